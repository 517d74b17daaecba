import { defineCommand } from '../command.js';
import { connect } from '../connect.js';
import { expectPositionals } from '../usage.js';
import { commandMeta } from '../registry.js';

export default defineCommand({
  ...commandMeta('masters'),
  help: `Prints the name of every master, one a line.
--json: ["master-1", …]`,
  options: {},
  async run({ positionals, global, out }) {
    expectPositionals(this, positionals, 0);
    const masters = await (await connect(global)).masters();
    if (out.json) out.printJson(masters);
    else for (const name of masters) out.print(name);
  },
});
