import { defineCommand } from '../command.js';
import { connect } from '../connect.js';
import { utcTimestamp } from '../format.js';
import { resolveJob } from '../resolveJob.js';
import { countFlag, expectPositionals, stringFlag } from '../usage.js';
import { commandMeta } from '../registry.js';

export default defineCommand({
  ...commandMeta('audit'),
  help: `Prints who changed what through the master, newest first, as a table:
  TIMESTAMP  TOKEN  USER  ACTION  JOB  HOST  DETAIL
TOKEN is the name of the token in the master's token file (anonymous without one); USER is the user
the client said it ran as (not verified). ACTION is create, remove, deploy, undeploy, set-goal,
register, deregister, sync (a whole applied commit), reap, registry-login or registry-logout
(a registry account: its name, registry and user; never its secret).
  JOB            only that job's events (any unambiguous part of name:version:hash)
  --host HOST    only that host's events
  -n, --limit N  at most N events (default 50, at most 1000)
  --before SEQ   events older than SEQ (the next page; --json shows each event's seq)
--json: {"events": [{"seq", "timestamp", "token", "user", "action", "jobId"?, "host"?, "source"?, "detail"?}, …]}`,
  options: { host: { type: 'string' }, limit: { type: 'string', short: 'n' }, before: { type: 'string' } },
  async run({ positionals, flags, global, out }) {
    expectPositionals(this, positionals, 0, 1);
    const client = await connect(global);
    const job = positionals[0] === undefined ? undefined : (await resolveJob(client, positionals[0])).id;
    const limit = Math.min(countFlag(flags.limit, 'limit') ?? 50, 1000);
    const { events } = await client.audit({ job, host: stringFlag(flags.host), limit, before: countFlag(flags.before, 'before') });
    if (out.json) {
      out.printJson({ events });
      return;
    }
    await out.printTable(['TIMESTAMP', 'TOKEN', 'USER', 'ACTION', 'JOB', 'HOST', 'DETAIL'], events.map((e) => [
      utcTimestamp(e.timestamp), e.token, e.user ?? '', e.action, e.jobId ?? e.source ?? '', e.host ?? '',
      e.detail === undefined ? '' : Object.entries(e.detail).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' '),
    ]));
  },
});
