import { defineCommand } from '../command.js';
import { connect } from '../connect.js';
import { confirm } from '../prompt.js';
import { boolFlag, expectPositionals } from '../usage.js';
import { commandMeta } from '../registry.js';

export default defineCommand({
  ...commandMeta('deregister'),
  help: `Removes HOST from the master. Fails with HOST_STILL_IN_USE while jobs are deployed on it.
Asks for confirmation unless --yes; with stdin not a terminal it refuses to ask: pass --yes.
  --yes    do not ask
--json: {"host": "HOST", "status": "OK"}`,
  options: { yes: { type: 'boolean' } },
  async run({ positionals, flags, global, out }) {
    expectPositionals(this, positionals, 1);
    const [host] = positionals;
    if (!(await confirm(`Deregister host ${host}?`, boolFlag(flags.yes)))) {
      out.info('Aborted.');
      return 1;
    }
    const client = await connect(global);
    if (!out.json) out.info(`Deregistering host ${host}`);
    await client.hosts.deregister(host);
    if (out.json) out.printJson({ host, status: 'OK' });
    else out.print(`${host}: done`);
  },
});
