import type { JobSpec } from '../../core/schema/job.js';
import { defineCommand } from '../command.js';
import { connect } from '../connect.js';
import { createOptions, createSpec } from '../createSpec.js';
import { readJobFile } from '../jobFile.js';
import { resolveJob } from '../resolveJob.js';
import { expectPositionals, stringFlag } from '../usage.js';
import { commandMeta } from '../registry.js';

export default defineCommand({
  ...commandMeta('create'),
  help: `Creates a job and prints 'Creating job: <job JSON>' and 'Done.' (stderr), then the job id,
NAME:VERSION:HASH, on stdout (so ID=$(helios create …) works). The id is computed here exactly as
the master computes it. The words after '--' are the container's command.
  -e, --env K=V                  environment variable (repeatable)
  -p, --port NAME=[IP:]INT[:EXT][/tcp|udp]
                                 publish container port INT as NAME, on host port EXT (allocated
                                 when left out), on IP (repeatable)
      --volume [HOST:]CONTAINER[:ro|rw]
                                 mount a host path or named volume (repeatable)
      --http-check NAME:/path    healthy when GET /path on port NAME answers 2xx/3xx
      --tcp-check NAME           healthy when port NAME accepts a connection
      --exec-check "CMD ARGS"    healthy when CMD exits 0 inside the container
      --token T                  a token every later change of the job must give
      --hostname H               the container's host name
      --grace-period S           seconds between unregistering and stopping
      --seconds-to-wait S        seconds 'docker stop' waits before killing (default 120)
      --init                     run Docker's init (tini) as PID 1, as docker run --init: a
                                 command that ignores SIGTERM as PID 1 (httpd -f) stops at once
      --expires ISO-DATE         the master undeploys and removes the job after this time
  -f, --file FILE                start from a job file: JSON, or the YAML of a GitOps repo (its
                                 deploy block is ignored); NAME:VERSION and IMAGE become optional;
                                 an unknown field is refused, as in git (the API ignores it)
  -t, --template JOB             start from the configuration of an existing job
Options override the file and the template; the command after '--' replaces theirs.
--json: {"id": "<job id>", "job": Job, "warnings": [...]}`,
  options: createOptions,
  // NAME:VERSION IMAGE, or Helios' old NAME VERSION IMAGE.
  commandAfter: (positionals) => (positionals[0]?.includes(':') === false ? 3 : 2),
  async run({ positionals, flags, rest, global, out }) {
    expectPositionals(this, positionals, 0, 3);
    const templateRef = stringFlag(flags.template);
    const file = stringFlag(flags.file);
    let base: JobSpec = {} as JobSpec;
    if (templateRef !== undefined) {
      const { job } = await resolveJob(await connect(global), templateRef);
      const { created: _c, creatingUser: _u, owner: _o, ...config } = job;
      base = config;
    }
    if (file !== undefined) base = { ...base, ...(await readJobFile(file)) };
    const spec = createSpec(base, positionals, flags, rest);

    const { buildJob } = await import('../../core/model/buildJob.js');
    const { job, warnings } = buildJob(spec);
    for (const warning of warnings) out.info(`warning: ${warning}`);
    if (!out.json) out.info(`Creating job: ${JSON.stringify(job)}`);
    const client = await connect(global);
    const created = await client.jobs.create(job);
    if (created.id !== job.id) out.info(`warning: the master computed the id ${created.id}, this client ${job.id}`);
    if (out.json) {
      out.printJson({ id: created.id, job: created.job ?? job, warnings: [...warnings, ...(created.warnings ?? [])] });
      return;
    }
    out.info('Done.');
    out.print(created.id);
  },
});
