/**
 * `npm start` (= `helios solo`) as a newcomer meets it: a fresh clone of this repository, `npm start`
 * in it, the sample job of jobs/hello.yaml serving its page, a commit deploying a new version, Ctrl-C
 * leaving nothing but the container. And the same with no Docker engine, as root: solo starts a
 * private dockerd, imports busybox:latest (no registry here), runs the sample, and stops the daemon
 * at Ctrl-C. (soloEngine.test.ts has the machine where solo may not start one.)
 *
 * The clone is of the committed HEAD of the repository this file is in (as in CI, a clean clone).
 * Its node_modules is a symlink to this repository's, to skip a six-minute `npm ci`; `npm start` still
 * builds the clone's own dist/ with tsc, as a newcomer's would.
 *
 * The sample publishes the fixed port 18080: each test holds the README's ports (harness/fixedPorts.ts),
 * so they run one after the other, and after or before other test files publishing them.
 */
import test, { type ExecutionContext } from 'ava';
import Docker from 'dockerode';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { stopDaemonIn } from '../cli/solo/docker/dockerd.js';
import { isAlive } from '../cli/solo/docker/pids.js';
import { createClient, type HeliosClient } from '../core/index.js';
import { agentContainers, dockerClient, dockerHost as sessionDockerHost, removeAgentContainers, uniqueName } from './harness/agent.js';
import { holdFixedPorts } from './harness/fixedPorts.js';
import { freePort, spawnProcess, tempDir, waitFor, type SpawnedProcess } from './harness/processes.js';

const repoRoot = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: dirname(fileURLToPath(import.meta.url)), encoding: 'utf8' }).trim();
const SAMPLE = 'jobs/hello.yaml';
const PAGE = 'http://127.0.0.1:18080/';
/** `npm start` builds first: tsc on two shared cores takes 20-60 s, more when other tests run. */
const START_MS = 240_000;

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=solo test', '-c', 'user.email=solo@test.invalid', ...args], { cwd, encoding: 'utf8' }).trim();

interface Solo {
  clone: string;
  agent: string;
  client: HeliosClient;
  npm: SpawnedProcess;
  output(): string;
}

/** A fresh clone with `npm start` running in it, its own HELIOS_HOME, master port and agent name. */
async function startSolo(t: ExecutionContext, dockerHost: string): Promise<Solo> {
  const dir = await tempDir('helios-solo-');
  t.teardown(dir.cleanup);
  const clone = join(dir.path, 'repo');
  git(dir.path, 'clone', '--quiet', repoRoot, clone);
  symlinkSync(join(repoRoot, 'node_modules'), join(clone, 'node_modules'));
  const port = await freePort();
  const agent = uniqueName('solo');
  const npm = spawnProcess('npm', ['start', '--', '--http', `127.0.0.1:${port}`, '--name', agent], {
    cwd: clone,
    env: { HELIOS_HOME: join(dir.path, 'home'), DOCKER_HOST: dockerHost, NO_COLOR: '1', HELIOS_TOKEN: '', HELIOS_MASTER: '' },
  });
  // Runs before the clone is removed (teardowns run last-in first-out); a no-op after a clean Ctrl-C.
  // After a failure half-way: Ctrl-C, and whatever still runs from this clone (master, agent and
  // syncer lead their own process groups, out of reach of a signal to npm's) is killed by pid.
  t.teardown(async () => {
    await Promise.race([npm.kill('SIGINT'), new Promise((resolve) => setTimeout(resolve, 15_000))]);
    await npm.kill('SIGKILL');
    for (const line of processesOf(clone).split('\n').filter(Boolean)) {
      try { process.kill(Number(line.split(' ')[0]), 'SIGKILL'); } catch { /* already gone */ }
    }
  });
  return { clone, agent, npm, client: createClient({ baseUrl: `http://127.0.0.1:${port}` }), output: () => `${npm.stdout}\n${npm.stderr}` };
}

/** The job on the agent in `state`, other than `except`: its id. */
async function helloJob(solo: Solo, state: string, except?: string): Promise<string> {
  return waitFor(async () => {
    const status = await solo.client.hosts.status(solo.agent);
    return Object.values(status.statuses).find((s) => s.jobId.startsWith('hello:') && s.jobId !== except && s.state === state)?.jobId;
  }, { timeoutMs: 60_000, intervalMs: 200, message: `a hello job ${state} on ${solo.agent}${except ? ` other than ${except}` : ''}` });
}

/** As solo prints a job id: `hello:1:` and 7 characters of the hash. */
const shortId = (id: string) => id.replace(/^([^:]+:[^:]+:.{7}).*$/, '$1');

const page = async () => (await fetch(PAGE, { signal: AbortSignal.timeout(2000) })).text();

/** `pgrep -af DIR`: the processes whose command line names DIR ('' when none; pgrep exits 1 then). */
function processesOf(dir: string): string {
  try {
    return execFileSync('pgrep', ['-af', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch (err) {
    if ((err as { status?: number }).status === 1) return '';
    throw err;
  }
}

/**
 * Ctrl-C as a terminal sends it (to npm's whole process group); resolves when npm has exited. Its last
 * line names what is left, and the command to run under npm.
 */
async function ctrlC(t: ExecutionContext, solo: Solo, stopped = /stopped; containers keep running \(npm start -- --cleanup removes them\)\n$/): Promise<number> {
  const started = Date.now();
  await solo.npm.kill('SIGINT');
  const ms = Date.now() - started;
  t.regex(solo.npm.stderr, stopped);
  // master, agent and syncer run dist/<component>/bin.js of the clone: none may be left.
  t.throws(() => process.kill(-solo.npm.pid!, 0), { code: 'ESRCH' }, 'npm, sh and solo (one process group) are gone');
  t.is(processesOf(solo.clone), '', 'no process of this run remains');
  await t.throwsAsync(solo.client.version(), undefined, 'the master no longer answers');
  t.notRegex(solo.output(), /^\s+at /m, 'no stack trace');
  return ms;
}

test('npm start in a fresh clone runs the sample job; a commit deploys its new version; Ctrl-C leaves only the container', async (t) => {
  t.timeout(START_MS + 180_000);
  const dockerHost = process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
  await holdFixedPorts(t); // test/readme.walkthrough.test.ts publishes 18080 too
  await t.throwsAsync(page(), undefined, `${PAGE} must be free: the sample job publishes port 18080 (is a helios solo or its container running?)`);
  const t0 = Date.now();
  const solo = await startSolo(t, dockerHost);
  t.teardown(() => removeAgentContainers(solo.agent));
  const head = git(solo.clone, 'rev-parse', '--short=7', 'HEAD');

  await solo.npm.waitForOutput(/Ctrl-C stops master, agent and syncer/, START_MS);
  const tStarted = Date.now();
  t.regex(solo.npm.stdout, new RegExp(`master +${solo.client.baseUrl.replace(/[.]/g, '\\.')} +database .*master\\.db`));
  t.regex(solo.npm.stdout, new RegExp(`agent +${solo.agent} +Docker at ${dockerHost}`));
  t.regex(solo.npm.stdout, new RegExp(`syncer +${solo.clone} jobs/ on \\S+ at ${head}`));
  t.regex(solo.npm.stdout, /Try: (npx )?helios -z \S+ hosts/);

  const greeting = String(parseDocument(readFileSync(join(solo.clone, SAMPLE), 'utf8')).getIn(['env', 'GREETING']));
  const first = await helloJob(solo, 'RUNNING');
  const tRunning = Date.now();
  t.true((await waitFor(async () => (await page()).includes(greeting) || undefined, { timeoutMs: 10_000, message: `${PAGE} showing ${greeting}` })));
  await solo.npm.waitForOutput(new RegExp(`hello:1:\\w+ on ${solo.agent}: RUNNING \\(http → http://127\\.0\\.0\\.1:18080\\)`), 5000);

  // A commit that changes the sample's env: a new job id (the env is part of it) replaces the old one.
  const newGreeting = `Hello from the solo test ${Date.now()}`;
  const doc = parseDocument(readFileSync(join(solo.clone, SAMPLE), 'utf8'));
  doc.setIn(['env', 'GREETING'], newGreeting);
  writeFileSync(join(solo.clone, SAMPLE), doc.toString());
  const tCommit = Date.now();
  git(solo.clone, 'commit', '--quiet', '-m', 'a new greeting', '--', SAMPLE);
  const second = await helloJob(solo, 'RUNNING', first);
  const tSecond = Date.now();
  t.true(await waitFor(async () => (await page()).includes(newGreeting) || undefined, { timeoutMs: 10_000, message: `${PAGE} showing the new greeting` }));
  await waitFor(async () => !Object.hasOwn(await solo.client.jobs.list(), first), { timeoutMs: 30_000, message: `old job ${first} removed` });
  t.false(Object.hasOwn((await solo.client.hosts.status(solo.agent)).statuses, first), 'the old task is gone from the agent');
  await solo.npm.waitForOutput(new RegExp(`${shortId(first)} on ${solo.agent}: removed`), 10_000);
  await solo.npm.waitForOutput(new RegExp(`sync: jobs/ at ${git(solo.clone, 'rev-parse', '--short=7', 'HEAD')} applied`), 10_000);

  const stopMs = await ctrlC(t, solo);
  const containers = await agentContainers(solo.agent);
  t.is(containers.length, 1, 'one container: the new version');
  t.like(containers[0], { State: 'running', Labels: { 'helios.job': second } });
  t.true((await page()).includes(newGreeting), 'the container still serves after Ctrl-C');
  t.log(`build + start ${((tStarted - t0) / 1000).toFixed(1)} s · sample RUNNING ${((tRunning - tStarted) / 1000).toFixed(1)} s after start`
    + ` · commit → new version RUNNING ${tSecond - tCommit} ms · Ctrl-C → npm exited ${stopMs} ms`);
});

test('with no Docker engine, npm start as root starts a private dockerd, imports busybox and runs the sample; Ctrl-C stops the daemon', async (t) => {
  t.timeout(START_MS + 120_000);
  await holdFixedPorts(t);
  await t.throwsAsync(page(), undefined, `${PAGE} must be free`);
  // DOCKER_HOST names where solo looks: a socket nothing listens on (the test's own dead engine).
  const missing = await tempDir('helios-nodocker-');
  t.teardown(missing.cleanup);
  const deadSocket = `unix://${join(missing.path, 'docker.sock')}`;
  const t0 = Date.now();
  const solo = await startSolo(t, deadSocket);

  await solo.npm.waitForOutput(/Ctrl-C stops master, agent and syncer, then the private dockerd/, START_MS);
  const tStarted = Date.now();
  t.regex(solo.npm.stderr, new RegExp(`^no Docker engine answers at ${deadSocket}: starting a private dockerd, stopped with solo; details in \\S+/logs/docker\\.log$`, 'm'));
  const [, privateHost, dir] = solo.npm.stdout.match(new RegExp(`agent +${solo.agent} +Docker at (unix://(/\\S+)/docker\\.sock) \\(a private dockerd solo started\\)`)) ?? [];
  t.truthy(privateHost, 'the summary shows the private engine');
  t.not(privateHost, sessionDockerHost());
  // Should the test fail half-way, the daemon goes too (solo's Ctrl-C would have stopped it).
  t.teardown(async () => { if (existsSync(dir)) await stopDaemonIn(dir, (line) => process.stderr.write(`[solo test] ${line}\n`)); });
  const daemonPid = Number(readFileSync(join(dir, 'docker.pid'), 'utf8'));
  t.regex(solo.npm.stderr, /^busybox:latest \(the sample job's image\) is not on \S+ and no registry answers: importing one built from \/bin\/busybox \(busybox-static\)$/m);

  const greeting = String(parseDocument(readFileSync(join(solo.clone, SAMPLE), 'utf8')).getIn(['env', 'GREETING']));
  await helloJob(solo, 'RUNNING');
  const tRunning = Date.now();
  t.true(await waitFor(async () => (await page()).includes(greeting) || undefined, { timeoutMs: 10_000, message: `${PAGE} showing ${greeting}` }));
  const privateDocker = new Docker({ socketPath: join(dir, 'docker.sock') });
  const onPrivate = await privateDocker.listContainers({ filters: { label: [`helios.agent=${solo.agent}`] } });
  t.is(onPrivate.length, 1, 'the sample runs on the private engine');
  t.deepEqual(await agentContainers(solo.agent), [], 'and not on the session\'s');

  const stopMs = await ctrlC(t, solo, /stopping the private dockerd \(and its containers\)…\nstopped, with the private dockerd and its containers/);
  t.false(await isAlive(daemonPid), 'dockerd is gone');
  t.false(existsSync(dir), 'its directory is removed');
  t.is(processesOf(dir), '', 'no containerd or shim of it remains');
  await t.throwsAsync(page(), undefined, 'its container went with it');
  t.truthy(await dockerClient().ping(), 'the session\'s engine still answers');
  t.log(`build + private dockerd + start ${((tStarted - t0) / 1000).toFixed(1)} s · sample RUNNING ${((tRunning - tStarted) / 1000).toFixed(1)} s after start`
    + ` · Ctrl-C → npm exited ${stopMs} ms`);
});
