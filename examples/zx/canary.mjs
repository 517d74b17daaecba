// canary.mjs: a new version on one host first, watched for a while, then on the rest.
//
//   helios run examples/zx/canary.mjs JOB_FILE CANARY_HOST HOST… [--watch 1m] [--timeout 2m]
//
// Creates the job of JOB_FILE, deploys it on CANARY_HOST and waits until it is RUNNING with its
// health check passing (--timeout, default 2m; else the canary is undeployed, exit 1), then
// watches that task for --watch (default 1m): any state change away from RUNNING (the container
// exited, its health check failing again) undeploys the canary and stops (exit 1, the change and
// the canary's last 20 log lines on stderr). Once the canary has held, the job goes on every other HOST at once; when all are
// RUNNING the job's other versions (same name) are undeployed from every host. As in release.mjs
// the versions run side by side for a while: give the job a dynamic external port.
// The master, token and TLS are the helios command's: -z URL, HELIOS_MASTER, HELIOS_TOKEN, --ca …
import { createOnce, deployWhereMissing, otherVersions } from './versions.mjs';

const [file, canaryName, ...rest] = argv._;
if (!file || !canaryName) {
  console.error('usage: helios run examples/zx/canary.mjs JOB_FILE CANARY_HOST HOST… [--watch 1m] [--timeout 2m]');
  process.exit(1);
}
const timeout = argv.timeout ?? '2m';

const id = await createOnce(helios, file);
const [canary] = await deployWhereMissing(helios, id, canaryName);
try {
  await spinner(`${canary}: waiting for ${id} to be RUNNING`, () => helios.waitFor(id, canary, 'RUNNING', { timeout }));
} catch (err) {
  // Never healthy (TASK_FAILED, WAIT_TIMED_OUT): the canary goes, the reason is the error's line.
  await helios.undeploy(id, canary);
  throw err;
}
echo(`${canary}: ${id} RUNNING; watching it for ${argv.watch ?? '1m'}`);
for await (const change of helios.watch(id, { hosts: canary, for: argv.watch ?? '1m' })) {
  if (change.status.state === 'RUNNING') continue;
  // Its last lines on stderr, read before the undeploy takes the container away.
  for await (const r of helios.logs(id, { hosts: canary, tail: 20 })) if ('line' in r) console.error(`${canary} | ${r.line}`);
  await helios.undeploy(id, canary);
  const why = change.status.containerError ?? change.status.healthCheckError ?? '';
  throw new Error(`${canary}: canary ${id} went ${change.status.state}${why ? ` (${why})` : ''}: undeployed`);
}
const all = [canary];
if (rest.length > 0) {
  const hosts = await deployWhereMissing(helios, id, rest);
  await spinner(`waiting for ${id} to be RUNNING on ${hosts.join(', ')}`, () => helios.waitFor(id, hosts, 'RUNNING', { timeout }));
  all.push(...hosts);
}
for (const host of all) {
  const previous = await otherVersions(helios, id, host);
  for (const old of previous) await helios.undeploy(old, host);
  echo(`${host}: ${id} RUNNING${previous.length > 0 ? `, undeployed ${previous.join(', ')}` : ''}`);
}
