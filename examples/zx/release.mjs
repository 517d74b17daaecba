// release.mjs: a new version of a job, rolled out host by host, each checked before the next.
//
//   helios run examples/zx/release.mjs JOB_FILE HOST… [--timeout 2m]
//   helios run --dry-run examples/zx/release.mjs jobs/web.yaml web1 web2    # only says what it would do
//
// Creates the job of JOB_FILE (JSON, or a GitOps YAML file; its deploy block is ignored), then on
// each HOST in turn: deploys it, waits until it is RUNNING with its health check passing (--timeout,
// default 2m), and only then undeploys the job's other versions (same name) from that host. When the
// new version does not get healthy on a host, that host is rolled back, the new version undeployed
// while the old one, never touched, keeps serving, and the release stops there (exit 1, the reason
// on stderr). The old and the new version run side by side until the new one is healthy: give the
// job a dynamic external port (or none), as two containers cannot bind one host port.
// The master, token and TLS are the helios command's: -z URL, HELIOS_MASTER, HELIOS_TOKEN, --ca …
import { createOnce, deployWhereMissing, otherVersions } from './versions.mjs';

const [file, ...hosts] = argv._;
if (!file || hosts.length === 0) {
  console.error('usage: helios run examples/zx/release.mjs JOB_FILE HOST… [--timeout 2m]');
  process.exit(1);
}
const timeout = argv.timeout ?? '2m';

const id = await createOnce(helios, file);
for (const name of hosts) {
  const [host] = await deployWhereMissing(helios, id, name);
  try {
    await spinner(`${host}: waiting for ${id} to be RUNNING`, () => helios.waitFor(id, host, 'RUNNING', { timeout }));
  } catch (err) {
    if (!helios.isError(err, 'WAIT_TIMED_OUT') && !helios.isError(err, 'TASK_FAILED')) throw err;
    await helios.undeploy(id, host);
    const kept = await otherVersions(helios, id, host);
    echo(chalk.red(`${host}: rolled back: ${id} undeployed, ${kept.length > 0 ? `${kept.join(', ')} still deployed` : 'no other version there'}`));
    throw err;
  }
  const previous = await otherVersions(helios, id, host);
  for (const old of previous) await helios.undeploy(old, host);
  echo(`${host}: ${id} RUNNING${previous.length > 0 ? `, undeployed ${previous.join(', ')}` : ''}`);
}
echo(`released ${id} on ${hosts.length} host${hosts.length === 1 ? '' : 's'}`);
