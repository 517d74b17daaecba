import { defineCommand } from '../command.js';
import { connect } from '../connect.js';
import { confirm } from '../prompt.js';
import { resolveJob } from '../resolveJob.js';
import { boolFlag, expectPositionals, stringFlag } from '../usage.js';
import { commandMeta } from '../registry.js';

export default defineCommand({
  ...commandMeta('remove'),
  help: `Removes JOB from the master. Fails with STILL_IN_USE while it is deployed on a host (undeploy
it first: helios undeploy JOB --all). Asks for confirmation unless --yes; when stdin is not a
terminal it refuses to ask: pass --yes. JOB is a job reference.
Prints 'Removing job <id>' (stderr) and '<id>: removed'.
  --yes       do not ask
  --token T   the job's token, if it was created with one
  --force     remove a job git owns (the next sync creates it again)
--json: {"jobId": "<id>", "status": "OK"}`,
  options: {
    yes: { type: 'boolean' },
    token: { type: 'string' },
    force: { type: 'boolean' },
  },
  async run({ positionals, flags, global, out }) {
    expectPositionals(this, positionals, 1);
    const client = await connect(global);
    const { id } = await resolveJob(client, positionals[0]);
    if (!(await confirm(`Remove job ${id}?`, boolFlag(flags.yes)))) {
      out.info('Aborted.');
      return 1;
    }
    if (!out.json) out.info(`Removing job ${id}`);
    await client.jobs.remove(id, { token: stringFlag(flags.token), force: boolFlag(flags.force) });
    if (out.json) out.printJson({ jobId: id, status: 'OK' });
    else out.print(`${id}: removed`);
  },
});
