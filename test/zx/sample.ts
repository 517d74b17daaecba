/**
 * A deploy script in TypeScript against helios/zx's types, as a user would write one: compiled by
 * tsc in test/zx.types.test.ts (and by the repository's own type check). Never run.
 */
import 'zx/globals';
import type {} from 'helios/zx/globals';
import { connect, isHeliosError, type ExecResult, type Helios, type LogEvent, type LogLine, type TaskStatus, type TaskStatusEvent } from 'helios/zx';

// Under `helios run` the global; in a plain zx script, connected as the CLI connects.
const h: Helios = globalThis.helios ?? await connect({ master: ['http://127.0.0.1:5801', 'http://127.0.0.1:5802'], token: process.env.CI_TOKEN });

const { id, created, warnings } = await h.create('jobs/hello.yaml', { reuse: true });
const fromSpec = await h.create({ name: 'web', version: '2', image: 'busybox:latest', ports: { http: { internalPort: 8080 } } });
const hosts: string[] = await h.deploy(id, ['web1', 'web2'], { token: 'secret', force: false, start: true });
const tasks: Record<string, TaskStatus> = await spinner('waiting', () => h.waitFor(id, hosts, 'RUNNING', { timeout: '2m', interval: 500 }));
const containerId: string | null = tasks.web1.containerId;

for await (const change of h.watch(fromSpec.id, { hosts: 'web1', for: 30_000 })) {
  const event: TaskStatusEvent = change;
  if (event.status.state === 'EXITED') break;
}

const lost: string[] = [];
for await (const record of h.logs(id, { hosts: ['web1', 'web2'], follow: true, tail: 10, since: '10m', stream: 'stderr', signal: AbortSignal.timeout(60_000) })) {
  if ('line' in record) {
    const line: LogLine = record;
    if (line.stream === 'stderr' && line.line.includes('ready')) break;
  } else if (record.event === 'error') {
    const event: LogEvent = record;
    lost.push(`${event.host}: ${record.code} ${record.message}`);
  } else if (record.event === 'container') {
    echo(`${record.host} now runs ${record.containerId.slice(0, 12)} of ${record.jobId}`);
  }
}
for await (const record of h.logs(id, { since: new Date(Date.now() - 60_000) })) if ('time' in record) echo(record.time);
const probe: ExecResult = await h.exec(id, 'web1', ['pg_isready'], { signal: AbortSignal.timeout(10_000) });
const seeded = await h.exec(id, 'web1', ['sh', '-c', 'cat > /tmp/seed.sql'], { input: Buffer.from('select 1;') });
const exitCodes: number[] = [probe.exitCode, seeded.exitCode, (await h.exec(id, 'web1', ['wc', '-l'], { input: 'a\nb\n' })).exitCode];
if (!probe.ok) echo(`${probe.stdout.trim()} ${probe.stderr.trim()} ${exitCodes.join(',')} ${lost.length}`);

try {
  await h.undeploy(id, { all: true });
  await h.stop(id, 'web1');
  await h.start(id, ['web1']);
} catch (err) {
  if (isHeliosError(err, 'WAIT_TIMED_OUT') || h.isError(err, 'JOB_NOT_DEPLOYED')) echo(`${err.code}: ${err.message}`);
  else throw err;
}

const up = Object.entries(await h.hosts({ selectors: ['role=web'], status: 'UP' })).map(([name, s]) => `${name} ${s.status}`);
const states = (await h.history(id, { host: 'web1' })).map((e) => e.status.state);
const rollout = await h.deploymentGroups.rollingUpdate(id, 'web', { parallelism: 2, autoRevert: true, waitTimeout: '10m' });
const done: 'DONE' | 'STARTED' = rollout.status;
await h.register('web3', 'agent-3');
await h.deregister('web3');
const who: string = `${(await h.whoami()).role} on ${(await h.masters()).join(', ')} ${await h.version()}`;
const actions = (await h.audit({ job: id, limit: 10 })).map((e) => e.action);
await retry(3, '1s', () => h.status(id));
await within(async () => {
  $.verbose = true;
  await $`echo ${[id, containerId, created, warnings.length, up.length, states.length, done, h.dryRun, who, actions.length].join(' ')}`;
});
