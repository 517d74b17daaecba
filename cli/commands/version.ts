import { HELIOS_VERSION } from '../../core/version.js';
import { defineCommand } from '../command.js';
import { connect } from '../connect.js';
import { expectPositionals } from '../usage.js';
import { commandMeta } from '../registry.js';

export default defineCommand({
  ...commandMeta('version'),
  help: `Prints 'Client Version: X' then 'Master Version: Y'. When the master cannot be reached the
client version is still printed and the command fails.
--json: {"clientVersion": "X", "masterVersion": "Y"}`,
  options: {},
  async run({ positionals, global, out }) {
    expectPositionals(this, positionals, 0);
    if (!out.json) out.print(`Client Version: ${HELIOS_VERSION}`);
    const masterVersion = await (await connect(global)).version();
    if (out.json) out.printJson({ clientVersion: HELIOS_VERSION, masterVersion });
    else out.print(`Master Version: ${masterVersion}`);
  },
});
