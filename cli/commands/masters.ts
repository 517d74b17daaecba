import { defineCommand } from '../command.js';
import { connect } from '../connect.js';
import { shortHostName } from '../hostNames.js';
import { searchDomains } from '../searchDomains.js';
import { boolFlag, expectPositionals } from '../usage.js';
import { commandMeta } from '../registry.js';

export default defineCommand({
  ...commandMeta('masters'),
  help: `Prints the name of every master, one a line, relative to the DNS search domains (as hosts
shows host names) unless -f.
  -f    full names
--json: ["master-1", …] (always full names)`,
  options: { f: { type: 'boolean', short: 'f' } },
  async run({ positionals, flags, global, out, env }) {
    expectPositionals(this, positionals, 0);
    const masters = await (await connect(global)).masters();
    if (out.json) {
      out.printJson(masters);
      return;
    }
    const domains = boolFlag(flags.f) ? [] : await searchDomains(env);
    for (const name of masters) out.print(shortHostName(name, domains));
  },
});
