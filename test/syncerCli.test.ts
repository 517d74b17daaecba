/**
 * The `helios-syncer` command run for real (through tsx): exit codes of --once and --dry-run, the
 * printed plan and errors, HELIOS_GIT_TOKEN against a token-protected git server, and the daemon
 * stopping on SIGTERM.
 */
import test from 'ava';
import { fileURLToPath } from 'node:url';
import { freePort, spawnProcess } from './harness/processes.js';
import { gitops, jobExists, jobFile, jobIdOf } from './gitopsHelpers.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function syncer(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnProcess(process.execPath, ['--import', 'tsx', 'syncer/bin.ts', ...args], {
    cwd: root, env: { HELIOS_TOKEN: '', HELIOS_GIT_TOKEN: '', HELIOS_LOG_LEVEL: 'warn', ...env },
  });
}

async function run(args: string[], env?: NodeJS.ProcessEnv) {
  const p = syncer(args, env);
  const { code } = await p.exited;
  return { code, stdout: p.stdout, stderr: p.stderr };
}

test('--dry-run prints the plan and exits 2, changing nothing; --once applies and exits 0; then --dry-run exits 0', async (t) => {
  const g = await gitops(t);
  const web = jobFile('web', { hosts: ['h1'] });
  await g.commit({ 'jobs/web.yaml': web });
  const id = jobIdOf('jobs/web.yaml', web);
  const args = ['--master', g.master.url, '--repo', g.repo.bare, '--name', 'cli-src'];

  const dry = await run([...args, '--dry-run']);
  t.is(dry.code, 2, dry.stderr);
  t.regex(dry.stdout, new RegExp(`^create +${id}  jobs/web.yaml$`, 'm'));
  t.regex(dry.stdout, new RegExp(`^deploy +${id} on h1 \\(START\\)  jobs/web.yaml$`, 'm'));
  t.regex(dry.stdout, /2 action\(s\) would be applied/);
  t.false(await jobExists(g.master.client, id), 'a dry run changes nothing');

  const once = await run([...args, '--once']);
  t.is(once.code, 0, once.stderr);
  t.regex(once.stdout, /applied: 2 action\(s\)/);
  t.true(await jobExists(g.master.client, id));

  const again = await run([...args, '--dry-run']);
  t.is(again.code, 0, again.stderr);
  t.regex(again.stdout, /nothing would change/);
});

test('--once exits 1 on a refused commit and prints every error as file:line: message', async (t) => {
  const g = await gitops(t);
  await g.commit({
    'jobs/ok.yaml': jobFile('ok'),
    'jobs/bad.yaml': 'name: bad\nversion: "1"\nimage: busybox:latest\nports:\n  http:\n    internalPort: "x"\n',
    'jobs/worse.json': '{ "name": "worse", }',
  });
  const once = await run(['--master', g.master.url, '--repo', g.url, '--name', 'cli-bad', '--once', '--cache-dir', `${g.cacheDir}/c`]);
  t.is(once.code, 1);
  t.regex(once.stderr, /^jobs\/bad\.yaml:6: ports\.http\.internalPort: must be an integer/m);
  t.regex(once.stderr, /^jobs\/worse\.json:1: invalid JSON/m);
  t.regex(once.stderr, /refused: 2 error\(s\); nothing changed/);
  t.deepEqual(Object.keys(await g.master.client.jobs.list()), []);
  t.like(await g.master.client.sync.source('cli-bad'), { state: 'ERROR' });
});

test('an HTTP remote behind a token: HELIOS_GIT_TOKEN lets the syncer in; without it, exit 1 and a clear message', async (t) => {
  const g = await gitops(t, { token: 'git-token-42', files: { 'jobs/private.yaml': jobFile('private') } });
  const args = ['--master', g.master.url, '--repo', g.url, '--name', 'private', '--once'];
  const denied = await run([...args, '--cache-dir', `${g.cacheDir}/a`]);
  t.is(denied.code, 1);
  t.regex(denied.stderr, /authentication failed \(set HELIOS_GIT_TOKEN\)/);
  const ok = await run([...args, '--cache-dir', `${g.cacheDir}/b`], { HELIOS_GIT_TOKEN: 'git-token-42' });
  t.is(ok.code, 0, ok.stderr);
  t.true(await jobExists(g.master.client, jobIdOf('jobs/private.yaml', jobFile('private'))));
});

test('usage errors exit 1 naming the option; --help exits 0', async (t) => {
  const help = await run(['--help']);
  t.is(help.code, 0);
  t.regex(help.stdout, /usage: helios-syncer --master URL --repo URL\|PATH/);
  const bad = await run(['--master', 'http://127.0.0.1:1', '--repo', '/tmp', '--interval', 'often']);
  t.is(bad.code, 1);
  t.regex(bad.stderr, /--interval: expected a duration/);
  const unreachable = await run(['--master', 'http://127.0.0.1:1', '--repo', root, '--branch', 'no-such-branch', '--once']);
  t.is(unreachable.code, 1);
  t.regex(unreachable.stderr, /branch no-such-branch not found/);
  const nobody = `http://127.0.0.1:${await freePort()}`;
  const noMaster = await run(['--master', nobody, '--repo', root, '--once']);
  t.is(noMaster.code, 1);
  t.true(noMaster.stderr.includes(`cannot reach the master at ${nobody}: connection refused (set --master or HELIOS_MASTER)`), noMaster.stderr);
});

test('the daemon syncs, keeps running, and exits 0 on SIGTERM', async (t) => {
  const g = await gitops(t, { files: { 'jobs/d.yaml': jobFile('d') } });
  const daemon = syncer(['--master', g.master.url, '--repo', g.repo.bare, '--name', 'daemon', '--interval', '200ms'], { HELIOS_LOG_LEVEL: 'info' });
  t.teardown(() => daemon.kill('SIGKILL'));
  await daemon.waitForOutput(/"msg":"sync"/, 20_000);
  t.true(await jobExists(g.master.client, jobIdOf('jobs/d.yaml', jobFile('d'))));
  const { code } = await daemon.kill('SIGTERM');
  t.is(code, 0);
});
