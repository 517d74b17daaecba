import { defineCommand } from '../command.js';
import { connect } from '../connect.js';
import { expectPositionals } from '../usage.js';
import { commandMeta } from '../registry.js';

export default defineCommand({
  ...commandMeta('list-deployment-groups'),
  help: `Prints the name of every deployment group, one a line, sorted.
--json: ["name", …]`,
  options: {},
  async run({ positionals, global, out }) {
    expectPositionals(this, positionals, 0);
    const names = await (await connect(global)).deploymentGroups.list();
    if (out.json) out.printJson(names);
    else for (const name of names) out.print(name);
  },
});
