import { defineCommand } from '../command.js';
import { connect } from '../connect.js';
import { expectPositionals } from '../usage.js';
import { commandMeta } from '../registry.js';

export default defineCommand({
  ...commandMeta('register'),
  help: `Reserves HOST for the agent whose id is ID: another agent may not take the name while that one is
alive (HOST_ID_MISMATCH).
Prints 'Registering host HOST with id ID' (stderr) and 'HOST: done'.
--json: {"host": "HOST", "id": "ID", "status": "OK"}`,
  options: {},
  async run({ positionals, global, out }) {
    expectPositionals(this, positionals, 2);
    const [host, id] = positionals;
    const client = await connect(global);
    if (!out.json) out.info(`Registering host ${host} with id ${id}`);
    await client.hosts.register(host, id);
    if (out.json) out.printJson({ host, id, status: 'OK' });
    else out.print(`${host}: done`);
  },
});
