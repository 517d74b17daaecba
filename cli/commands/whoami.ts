import { defineCommand } from '../command.js';
import { connect } from '../connect.js';
import { expectPositionals } from '../usage.js';
import { commandMeta } from '../registry.js';

export default defineCommand({
  ...commandMeta('whoami'),
  help: `Prints who the master takes your token (HELIOS_TOKEN) for: its name in the master's token file
and its role, e.g. "ci (deploy)", the master's cluster id, then what jobs you create may ask of a host.
  read     every GET                        deploy   read + create/remove, deploy/undeploy/start/stop, sync
  admin    everything, privileged fields    agent    only the agent protocol (of its host)
  sync     apply its own sync sources       exec     read + exec in containers (helios exec)
--json: {"name", "role", "sources"?, "host"?, "anonymous", "clusterId", "admission": {"hostPaths", "networkModes",
         "capabilities", "securityOpts"} | null (an admin token: anything)}`,
  options: {},
  async run({ positionals, global, out }) {
    expectPositionals(this, positionals, 0);
    const me = await (await connect(global)).whoami();
    if (out.json) {
      out.printJson(me);
      return;
    }
    const bound = me.sources ? ` of ${me.sources.join(', ')}` : me.host ? ` of host ${me.host}` : '';
    out.print(me.anonymous ? 'anonymous (the master has no token file: anyone who reaches it may deploy)' : `${me.name} (${me.role}${bound})`);
    out.print(`cluster ${me.clusterId}`);
    if (me.admission === null) {
      out.print('privileged job fields: any (admin)');
      return;
    }
    const list = (items: readonly string[]) => (items.length === 0 ? 'none' : items.join(', '));
    out.print(`privileged job fields allowed: host paths ${list(me.admission.hostPaths)}; network modes ${list(me.admission.networkModes)}; `
      + `capabilities ${list(me.admission.capabilities)}; security options ${list(me.admission.securityOpts)}`);
  },
});
