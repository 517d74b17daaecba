import { defineCommand } from '../command.js';
import { connect } from '../connect.js';
import { shortContainerId, taskReason, utcTimestamp } from '../format.js';
import { colorState } from '../output.js';
import { resolveJob } from '../resolveJob.js';
import { expectPositionals, stringFlag } from '../usage.js';
import { commandMeta } from '../registry.js';

export default defineCommand({
  ...commandMeta('history'),
  help: `Prints every state change of JOB's tasks, oldest first, as a table:
  HOST  TIMESTAMP  STATE  THROTTLED  CONTAINERID  REASON
TIMESTAMP is UTC, 'YYYY-MM-DD HH:mm:ss.SSS'; CONTAINERID is 12 characters, or <none> before the
container exists; REASON why the task was in that state: the container's error (FAILED, EXITED),
the last failed health check (HEALTHCHECKING), the time a STOPPING container had.
JOB is a job reference: any unambiguous part of name:version:hash.
  --host HOST   only that host's events
--json: {"jobId": "<id>", "events": [{"host", "timestamp", "status": TaskStatus}, …]}`,
  options: { host: { type: 'string' } },
  async run({ positionals, flags, global, out }) {
    expectPositionals(this, positionals, 1);
    const client = await connect(global);
    const { id, job } = await resolveJob(client, positionals[0]);
    const host = stringFlag(flags.host);
    const events = (await client.jobs.history(id)).events.filter((e) => host === undefined || e.host === host);
    if (out.json) {
      out.printJson({ jobId: id, events });
      return;
    }
    await out.printTable(['HOST', 'TIMESTAMP', 'STATE', 'THROTTLED', 'CONTAINERID', 'REASON'], events.map((e) => [
      e.host, utcTimestamp(e.timestamp), colorState(out.colors, e.status.state), e.status.throttled, shortContainerId(e.status.containerId),
      taskReason(e.status, job),
    ]));
  },
});
