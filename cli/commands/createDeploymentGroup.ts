import { defineCommand } from '../command.js';
import { connect } from '../connect.js';
import { parseHostSelector } from '../../core/model/hostSelector.js';
import { boolFlag, expectPositionals } from '../usage.js';
import { commandMeta } from '../registry.js';

export default defineCommand({
  ...commandMeta('create-deployment-group'),
  help: `Creates deployment group NAME: the hosts whose labels match every SELECTOR (each a separate
argument: role=web 'dc in (lon, ams)' pool!=canary; operators =, !=, in, notin). The group has no
job until its first helios rolling-update; from then on every host that matches gets the group's
job, and one that stops matching has it undeployed. NAME: letters, digits, '.', '_' and '-'.
Prints 'Creating deployment group: {…}' (stderr, not with -q or --json), then the master's answer:
{"status":"CREATED"}, or {"status":"NOT_MODIFIED"} when the group exists with the same selectors
(exit 0). A group of that name with other selectors is DEPLOYMENT_GROUP_EXISTS (exit 1): remove it
first, or choose another name.
  -q    only the answer
--json: {"status": "CREATED"|"NOT_MODIFIED"}`,
  options: { q: { type: 'boolean', short: 'q' } },
  async run({ positionals, flags, global, out }) {
    expectPositionals(this, positionals, 2, Infinity);
    const [name, ...texts] = positionals;
    const group = { name, hostSelectors: texts.map(parseHostSelector) };
    if (!boolFlag(flags.q) && !out.json) out.info(`Creating deployment group: ${JSON.stringify(group)}`);
    const answer = await (await connect(global)).deploymentGroups.create(group);
    out.print(JSON.stringify(answer));
  },
});
