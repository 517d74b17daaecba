import { HeliosError, isHeliosError } from '../../core/errors/HeliosError.js';
import { defineCommand } from '../command.js';
import { connect } from '../connect.js';
import { unknownHostMessage } from '../hostResults.js';
import { confirm } from '../prompt.js';
import { boolFlag, expectPositionals } from '../usage.js';
import { commandMeta } from '../registry.js';

export default defineCommand({
  ...commandMeta('deregister'),
  help: `Removes HOST from the master. Fails with HOST_STILL_IN_USE while jobs are deployed on it
(a deployment group's job is not counted: it is undeployed, and the host just leaves the group).
HOST is the exact name, never a prefix; one that is not registered fails with HOST_NOT_FOUND,
listing the hosts that start with it (as Helios) or the one it most likely meant.
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
    try {
      await client.hosts.deregister(host);
    } catch (err) {
      if (!isHeliosError(err, 'HOST_NOT_FOUND')) throw err;
      throw new HeliosError('HOST_NOT_FOUND', unknownHostMessage(host, await client.hosts.list()), err.data, { cause: err });
    }
    if (out.json) out.printJson({ host, status: 'OK' });
    else out.print(`${host}: done`);
  },
});
