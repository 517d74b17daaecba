import { defineCommand } from '../command.js';
import { connect } from '../connect.js';
import { createOptions } from '../createSpec.js';
import { jobToCreate } from '../jobToCreate.js';
import { boolFlag, expectPositionals, stringFlag } from '../usage.js';
import { commandMeta } from '../registry.js';

export default defineCommand({
  ...commandMeta('create'),
  help: `Creates a job and prints 'Creating job: <job JSON>' and 'Done.' (stderr), then the job id,
NAME:VERSION:HASH, on stdout (so ID=$(helios create …) works). The id is computed here exactly as
the master computes it. The words after '--' are the container's command. Options are Helios'.
      --env K=V                  environment variable (repeatable)
  -m, --metadata K=V             metadata to keep with the job (repeatable); GIT_COMMIT from the
                                 environment is added as metadata GIT_COMMIT, as Helios does (a
                                 file's, a template's or -m's entry wins over it)
      --labels K=V               a label of the container (repeatable)
  -p, --port NAME=[IP:]INT[:EXT][/tcp|udp]
                                 publish container port INT as NAME, on host port EXT (allocated
                                 when left out), on IP (repeatable; one name once)
  -r, --register SERVICE[/PROTO][=PORT]
                                 register port PORT (a name from -p) as SERVICE for service
                                 discovery; PROTO defaults to http, PORT to the job's only port
                                 (repeatable)
      --registration-domain D    the discovery domain to register in (default: the agent's)
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
  -e, --expires ISO-DATE         the master undeploys and removes the job after this time
                                 (-e is --expires, as in Helios: -e K=V is refused, use --env)
      --security-opt OPT         a Docker security option, e.g. apparmor:PROFILE (repeatable)
      --network-mode MODE        bridge (Docker's default), host, none or container:NAME
      --add-capability CAP       a Linux capability to add, e.g. NET_ADMIN (repeatable; the
                                 master must allow it)
      --drop-capability CAP      a Linux capability to drop (repeatable)
      --rollout-options K=V      the job's default options for rolling updates (repeatable):
                                 timeout (seconds), parallelism, migrate, overlap, token,
                                 ignoreFailures (true|false); other keys are ignored with a warning
      --runtime R                the Docker runtime to run the container with, e.g. nvidia
      --registry-auth NAME       the master's registry account to pull the image with (helios
                                 registry list); not part of the job id
  -q, --quiet                    print only the id: no 'Creating job' and 'Done.' lines
  -f, --file FILE                start from a job file: JSON, or the YAML of a GitOps repo (its
                                 deploy block is ignored); NAME:VERSION and IMAGE become optional;
                                 an unknown field is refused, as in git (the API ignores it)
  -t, --template JOB             start from the configuration of an existing job; with -f too,
                                 the file's fields replace the template's (Helios refuses both)
Options override the file and the template: a map option (--env, -m, --labels, -p, -r, --volume)
adds to their map, any other replaces their value; the command after '--' replaces theirs.
--json: {"id": "<job id>", "job": Job, "warnings": [...]}`,
  options: createOptions,
  // NAME:VERSION IMAGE, or Helios' old NAME VERSION IMAGE.
  commandAfter: (positionals) => (positionals[0]?.includes(':') === false ? 3 : 2),
  async run({ positionals, flags, rest, global, out, env }) {
    expectPositionals(this, positionals, 0, 3);
    const from = { template: stringFlag(flags.template), file: stringFlag(flags.file) };
    const { job, warnings } = await jobToCreate(() => connect(global), from, { positionals, flags, rest, env });
    const quiet = boolFlag(flags.quiet) || out.json;
    for (const warning of warnings) out.info(`warning: ${warning}`);
    if (!quiet) out.info(`Creating job: ${JSON.stringify(job)}`);
    const client = await connect(global);
    const created = await client.jobs.create(job);
    if (created.id !== job.id) out.info(`warning: the master computed the id ${created.id}, this client ${job.id}`);
    if (out.json) {
      out.printJson({ id: created.id, job: created.job ?? job, warnings: [...warnings, ...(created.warnings ?? [])] });
      return;
    }
    if (!quiet) out.info('Done.');
    out.print(created.id);
  },
});
