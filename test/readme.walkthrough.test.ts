/**
 * The README's walkthrough, replayed as written: the shell block after "`npm start` prints where
 * everything is" is read from README.md itself, and each of its lines runs through `sh -c` verbatim
 * (comments after two spaces dropped), in order, against a real `helios solo` (master, agent and
 * syncer) on the session's Docker engine. When a line stops working, this test fails naming it, so
 * the README stays true.
 *
 * What is substituted, and only this:
 * - `helios` is this checkout's, put on PATH as the README says, by `npm link` (into a prefix of the
 *   test's own, npm_config_prefix, so that nothing global changes).
 * - `hostname` is a shim on PATH printing the agent's name: the agent is named readme-<random>, not
 *   after this machine, so that it never takes (or reaps) the containers of another agent on the
 *   shared engine. solo names its agent after this machine by default; `$(hostname)` then means it.
 * - the master listens on a free port (HELIOS_MASTER points at it), not 5801, which a developer's
 *   `npm start` may hold.
 * - the repository is a new one holding this checkout's jobs/ (what a clone has), so the README's
 *   commit lands there, with a git identity from GIT_AUTHOR_NAME and its kin.
 * The README's own ports, 18080 and 18081, are used as they are: the test takes them from other tests
 * (test/harness/fixedPorts.ts) and fails, naming the port, when something else listens on them.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { createClient } from '../core/index.js';
import { CLI_BIN, ensureCliBuilt, ROOT, tableRows } from './cliHarness.js';
import { dockerClient, removeAgentContainers, uniqueName } from './harness/agent.js';
import { holdFixedPorts } from './harness/fixedPorts.js';
import { freePort, spawnProcess, tempDir, waitFor } from './harness/processes.js';

const README = join(ROOT, 'README.md');
const START = '`npm start` prints where everything is';

/** The walkthrough's command lines, as the README writes them. */
function walkthroughLines(readme: string): string[] {
  const at = readme.indexOf(START);
  const block = at < 0 ? null : /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!block) throw new Error(`README.md has no \`\`\`sh block after "${START}"`);
  return block[1].split('\n').map((line) => line.replace(/\s{2,}#.*$/, '').trim()).filter((line) => line !== '');
}

interface LineRun { line: string; code: number; stdout: string; stderr: string }

function run(line: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 180_000): Promise<LineRun> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', line], { cwd, env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ line, code, stdout, stderr });
    });
  });
}

const said = (r: LineRun) => `\n$ ${r.line}\n(exit ${r.code})\n${r.stdout}${r.stderr}`;

test('the README walkthrough works as written: hosts, create, deploy --watch, curl, a commit of a new greeting, curl', async (t) => {
  t.timeout(16 * 60_000);
  const lines = walkthroughLines(readFileSync(README, 'utf8'));
  const find = (pattern: RegExp, what: string) => {
    const line = lines.find((l) => pattern.test(l));
    if (line === undefined) throw new Error(`the README walkthrough has no ${what} line (${pattern}); it has:\n${lines.join('\n')}`);
    return line;
  };
  const commitLine = find(/git commit/, 'commit');
  const [, before, after] = /sed -i 's\/([^/]+)\/([^/]+)\/'/.exec(commitLine) ?? [];
  if (!before || !after) throw new Error(`the commit line does not change the greeting with sed -i 's/OLD/NEW/': ${commitLine}`);
  const kinds = {
    hosts: find(/^helios hosts\b/, 'helios hosts'),
    create: find(/^helios create\b/, 'helios create'),
    deploy: find(/^helios deploy\b.*--watch/, 'helios deploy --watch'),
    container: find(/^curl\b.*:18081\//, 'curl of the new job (port 18081)'),
    commit: commitLine,
    synced: find(/^curl\b.*:18080\//, 'curl of the sample job (port 18080)'),
  };
  t.true(lines.indexOf(kinds.synced) > lines.indexOf(kinds.commit), 'the page is fetched after the commit');

  await ensureCliBuilt();
  const dir = await tempDir('helios-readme-');
  t.teardown(dir.cleanup);
  await holdFixedPorts(t);

  const agent = uniqueName('readme');
  const repo = join(dir.path, 'repo');
  const bin = join(dir.path, 'bin');
  mkdirSync(bin);
  const prefix = join(dir.path, 'npm-prefix');
  execFileSync('npm', ['link', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: ROOT, env: { ...process.env, npm_config_prefix: prefix } });
  t.is(realpathSync(join(prefix, 'bin', 'helios')), realpathSync(CLI_BIN), 'npm link puts this checkout\'s helios on PATH');
  writeFileSync(join(bin, 'hostname'), `#!/bin/sh\necho ${agent}\n`);
  chmodSync(join(bin, 'hostname'), 0o755);
  const identity = { GIT_AUTHOR_NAME: 'readme test', GIT_AUTHOR_EMAIL: 'readme@test.invalid', GIT_COMMITTER_NAME: 'readme test', GIT_COMMITTER_EMAIL: 'readme@test.invalid' };
  mkdirSync(repo);
  cpSync(join(ROOT, 'jobs'), join(repo, 'jobs'), { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, env: { ...process.env, ...identity }, encoding: 'utf8' }).trim();
  git('init', '--quiet', '--initial-branch', 'main');
  git('add', 'jobs');
  git('commit', '--quiet', '-m', 'the sample jobs');

  const port = await freePort();
  const master = `http://127.0.0.1:${port}`;
  const solo = spawnProcess(process.execPath, [CLI_BIN, 'solo', '--http', `127.0.0.1:${port}`, '--home', join(dir.path, 'home'), '--repo', repo, '--name', agent], {
    cwd: repo, env: { NO_COLOR: '1', HELIOS_TOKEN: '', HELIOS_MASTER: '' },
  });
  t.teardown(() => removeAgentContainers(agent));
  t.teardown(async () => {
    await Promise.race([solo.kill('SIGINT'), new Promise((resolve) => setTimeout(resolve, 15_000))]);
    await solo.kill('SIGKILL');
  });
  const client = createClient({ baseUrl: master });
  await waitFor(async () => (await client.hosts.status(agent)).status === 'UP' && (await client.sync.sources()).some((s) => s.state === 'OK'),
    { timeoutMs: 120_000, intervalMs: 250, message: `solo's agent ${agent} Up and its first sync applied` }).catch((err: Error) => {
    throw new Error(`${err.message}\nsolo said:\n${solo.stdout}${solo.stderr}`);
  });

  const { HELIOS_TOKEN: _token, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = { ...inherited, ...identity, PATH: `${bin}:${join(prefix, 'bin')}:${process.env.PATH}`, HELIOS_MASTER: master, NO_COLOR: '1' };
  let jobId = '';
  for (const line of lines) {
    if (line === kinds.synced) {
      // The syncer deploys the commit in a moment: the user runs the line again until the page is new.
      const page = await waitFor(async () => {
        const r = await run(line, repo, env, 10_000);
        return r.code === 0 && r.stdout.includes(after) ? r : undefined;
      }, { timeoutMs: 60_000, intervalMs: 250, message: `${line} showing "${after}"` });
      t.false(page.stdout.includes(before), said(page));
      continue;
    }
    if (line === kinds.commit) {
      const page = await waitFor(async () => (await (await fetch('http://127.0.0.1:18080/', { signal: AbortSignal.timeout(2000) })).text()).includes(before) || undefined,
        { timeoutMs: 60_000, message: `the sample page showing "${before}" before the commit` });
      t.true(page);
    }
    const r = await run(line, repo, env);
    t.is(r.code, 0, said(r));
    if (line === kinds.hosts) {
      const row = tableRows(r.stdout).find((cells) => cells[0] === agent);
      t.regex(row?.[1] ?? '', /^Up\b/, said(r));
    } else if (line === kinds.create) {
      jobId = r.stdout.trim().split('\n').at(-1) ?? '';
      t.regex(jobId, /^[^:]+:[^:]+:[0-9a-f]{40}$/, said(r));
    } else if (line === kinds.deploy) {
      t.regex(r.stdout + r.stderr, new RegExp(`${agent}: RUNNING`), said(r));
    } else if (line === kinds.container) {
      const containerId = (await client.hosts.status(agent)).statuses[jobId]?.containerId ?? '';
      t.not(containerId, '', `the job ${jobId} has a container`);
      const { Config } = await dockerClient().getContainer(containerId).inspect();
      t.is(r.stdout.trim(), Config.Hostname, `the page is the container's /etc/hostname${said(r)}`);
    } else if (line === kinds.commit) {
      t.is(git('log', '-1', '--format=%s'), /-qam "([^"]+)"/.exec(line)?.[1] ?? '', said(r));
    }
  }
  t.log(`replayed ${lines.length} README lines against solo at ${master} with agent ${agent}`);
});
