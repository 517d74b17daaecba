import { defineCommand } from '../command.js';
import { connect } from '../connect.js';
import { aboutGroup } from '../deploymentGroupView.js';
import { boolFlag, expectPositionals } from '../usage.js';
import { commandMeta } from '../registry.js';

export default defineCommand({
  ...commandMeta('remove-deployment-group'),
  help: `Removes deployment group NAME and its rollout in progress, if any. As in Helios, the jobs the
group deployed stay deployed: undeploy them with helios undeploy JOB --all.
Prints 'Deployment-group NAME removed'. A group that does not exist is DEPLOYMENT_GROUP_NOT_FOUND
('Failed to remove deployment-group NAME, status: DEPLOYMENT_GROUP_NOT_FOUND', exit 1).
A group a git source declares (a job file's deploy.selector) is GIT_OWNED: remove its job file, or
give --force (the next sync makes it again).
  --force   remove a group git declares
--json: {"status": "REMOVED"}`,
  options: { force: { type: 'boolean' } },
  async run({ positionals, flags, global, out }) {
    expectPositionals(this, positionals, 1);
    const [name] = positionals;
    const client = await connect(global);
    const answer = await aboutGroup(client.deploymentGroups.remove(name, { force: boolFlag(flags.force) }),
      `Failed to remove deployment-group ${name}, status: DEPLOYMENT_GROUP_NOT_FOUND`);
    if (out.json) out.printJson(answer);
    else out.print(`Deployment-group ${name} removed`);
  },
});
