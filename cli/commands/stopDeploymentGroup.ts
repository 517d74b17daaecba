import { defineCommand } from '../command.js';
import { connect } from '../connect.js';
import { aboutGroup } from '../deploymentGroupView.js';
import { expectPositionals } from '../usage.js';
import { commandMeta } from '../registry.js';

export default defineCommand({
  ...commandMeta('stop-deployment-group'),
  help: `Stops the rolling update of deployment group NAME: no further task starts, what is deployed
stays, and the group ends FAILED with 'Stopped by user' (its hosts no longer follow label changes
until the next rolling-update). Prints 'Deployment-group NAME stopped'; an unknown NAME is
'Deployment-group NAME not found' (DEPLOYMENT_GROUP_NOT_FOUND, exit 1).
--json: {"name": NAME, "status": "STOPPED"} (Helios' command had none)`,
  options: {},
  async run({ positionals, global, out }) {
    expectPositionals(this, positionals, 1);
    const [name] = positionals;
    await aboutGroup((await connect(global)).deploymentGroups.stop(name), `Deployment-group ${name} not found`);
    if (out.json) out.printJson({ name, status: 'STOPPED' });
    else out.print(`Deployment-group ${name} stopped`);
  },
});
