import { formatHostSelector } from '../../core/model/hostSelector.js';
import type { StoredDeploymentGroup } from '../../core/schema/deploymentGroup.js';
import { defineCommand } from '../command.js';
import { connect } from '../connect.js';
import { aboutGroup, unknownGroup } from '../deploymentGroupView.js';
import { expectPositionals } from '../usage.js';
import { commandMeta } from '../registry.js';

export default defineCommand({
  ...commandMeta('inspect-deployment-group'),
  help: `Prints deployment group NAME as Helios does: Name, Host selectors (one a line), Job (null
before the first rolling-update), Rolling update reason (MANUAL or HOSTS_CHANGED, once set), and
the options of its last rolling update: Migrate, Overlap, Parallelism, Timeout, Token (when one is
set), Ignore failures, then ours, Auto revert and Min healthy seconds. An unknown NAME is
'Unknown deployment group: NAME' (DEPLOYMENT_GROUP_NOT_FOUND, exit 1).
--json: {"name", "hostSelectors": [{"label", "operator", "operand"}], "jobId", "rolloutOptions",
"rollingUpdateReason"} (keys absent when unset)`,
  options: {},
  async run({ positionals, global, out }) {
    expectPositionals(this, positionals, 1);
    const [name] = positionals;
    const group = await aboutGroup((await connect(global)).deploymentGroups.get(name), unknownGroup(name));
    if (out.json) out.printJson(group);
    else for (const line of inspectLines(group)) out.print(line);
  },
});

function inspectLines(group: StoredDeploymentGroup): string[] {
  const lines = [`Name: ${group.name}`, 'Host selectors:', ...group.hostSelectors.map((s) => `  ${formatHostSelector(s)}`),
    `Job: ${group.jobId ?? null}`];
  if (group.rollingUpdateReason) lines.push(`Rolling update reason: ${group.rollingUpdateReason}`);
  const o = group.rolloutOptions;
  if (o) {
    lines.push('Rollout options:', `  Migrate: ${o.migrate}`, `  Overlap: ${o.overlap}`, `  Parallelism: ${o.parallelism}`, `  Timeout: ${o.timeout}`);
    if (o.token) lines.push(`  Token: ${o.token}`);
    lines.push(`  Ignore failures: ${o.ignoreFailures}`, `  Auto revert: ${o.autoRevert}`, `  Min healthy seconds: ${o.minHealthySeconds}`);
  }
  return lines;
}
