import { isHeliosError } from '../../core/errors/HeliosError.js';
import { HELIOS_VERSION } from '../../core/version.js';
import { defineCommand } from '../command.js';
import { connect } from '../connect.js';
import { expectPositionals } from '../usage.js';
import { commandMeta } from '../registry.js';

export default defineCommand({
  ...commandMeta('version'),
  help: `Prints 'Client Version: X' then 'Master Version: Y'. When the master cannot be reached the
client version is still printed and the command fails.
--json: {"clientVersion": "X", "masterVersion": "Y"}; with the master unreachable, masterVersion is
null and status and message say why (exit 1).`,
  options: {},
  async run({ positionals, global, out }) {
    expectPositionals(this, positionals, 0);
    if (!out.json) out.print(`Client Version: ${HELIOS_VERSION}`);
    let masterVersion: string;
    try {
      masterVersion = await (await connect(global)).version();
    } catch (err) {
      if (!out.json || !isHeliosError(err, 'MASTER_UNREACHABLE')) throw err;
      out.printJson({ clientVersion: HELIOS_VERSION, masterVersion: null, status: err.code, message: err.message });
      return 1;
    }
    if (out.json) out.printJson({ clientVersion: HELIOS_VERSION, masterVersion });
    else out.print(`Master Version: ${masterVersion}`);
  },
});
