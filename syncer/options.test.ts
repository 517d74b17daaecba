import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHostAliases, parseOptions, slug, type SyncerConfig } from './options.js';

const base = ['--master', 'http://127.0.0.1:5801'];
const parse = (args: string[], env: NodeJS.ProcessEnv = {}) => parseOptions([...base, ...args], env) as SyncerConfig;

test('defaults: branch main, path jobs, 30s interval, name from the repo', (t) => {
  const c = parse(['--repo', 'https://git.example.com/team/apps.git'], { HELIOS_HOME: '/h', HELIOS_TOKEN: 'tk', HELIOS_GIT_TOKEN: 'gt' });
  t.like(c, { remote: true, branch: 'main', path: 'jobs', intervalMs: 30_000, name: 'apps', token: 'tk', gitToken: 'gt', cacheDir: '/h/syncer-apps', once: false, adopt: false });
  t.like(parse(['--repo', 'https://git.example.com/team/apps.git', '--adopt']), { adopt: true });
});

test('a local path is resolved and named after its folder', (t) => {
  const c = parse(['--repo', '/srv/Git/My Repo/', '--dry-run']);
  t.like(c, { remote: false, repo: '/srv/Git/My Repo', name: 'my-repo', once: true, dryRun: true });
});

test('several masters: --master repeated or a comma list, else HELIOS_MASTER', (t) => {
  const masters = (args: string[], env: NodeJS.ProcessEnv = {}) => (parseOptions([...args, '--repo', 'x'], env) as SyncerConfig).masters;
  t.deepEqual(masters(['--master', 'http://a:1,http://b:2', '--master', 'https://c:3']), ['http://a:1', 'http://b:2', 'https://c:3']);
  t.deepEqual(masters([], { HELIOS_MASTER: 'http://a:1,http://b:2' }), ['http://a:1', 'http://b:2']);
  t.throws(() => masters(['--master', 'http://a:1,b:2']), { message: "--master: 'b:2' is not a master URL: expected http://host:port or https://host:port" });
});

test('bad input names the option', (t) => {
  t.throws(() => parseOptions(['--repo', 'x'], {}), { message: /--master URL is required/ });
  t.throws(() => parse([]), { message: /--repo/ });
  t.throws(() => parse(['--repo', 'x', '--interval', 'soon']), { message: /--interval/ });
  t.throws(() => parse(['--repo', 'ssh://git@h/x.git']), { message: /only http\(s\)/ });
  t.throws(() => parse(['--repo', 'https://h/x.git', '--watch']), { message: /--watch needs a local repository/ });
  t.throws(() => parse(['--repo', 'x', '--webhook', '127.0.0.1:9000']), { message: /--webhook-secret-file/ });
  t.throws(() => parse(['--repo', 'x', '--webhook', 'nope', '--webhook-secret-file', '/dev/null']), { message: /HOST:PORT/ });
  t.throws(() => parse(['--repo', 'x', '--once', '--watch']), { message: /--once/ });
  t.throws(() => parse(['--repo', 'x', '--name', 'a b']), { message: /--name/ });
  t.throws(() => parse(['--repo', 'x', '--bogus']), { message: /bogus/ });
});

test('the webhook secret is read from its file, without the trailing newline', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'syncer-opt-'));
  writeFileSync(join(dir, 'secret'), 'abc\n');
  const c = parse(['--repo', 'x', '--webhook', '127.0.0.1:0', '--webhook-secret-file', join(dir, 'secret')]);
  t.deepEqual(c.webhook, { host: '127.0.0.1', port: 0, secret: 'abc' });
  writeFileSync(join(dir, 'empty'), '');
  t.throws(() => parse(['--repo', 'x', '--webhook', ':9000', '--webhook-secret-file', join(dir, 'empty')]), { message: /is empty/ });
});

test('slugs', (t) => {
  t.deepEqual([slug('https://h/a/B_c.git'), slug('/x/y/'), slug('///')], ['b_c', 'y', 'repo']);
});

test('the default source name tells apart syncers of one repository on other branches or folders', (t) => {
  const names = [['main', 'jobs'], ['staging', 'jobs'], ['feature/x', 'jobs'], ['main', './deploy/web/'], ['prod', 'jobs/eu']]
    .map(([branch, path]) => parse(['--repo', 'https://h/team/apps.git', '--branch', branch, '--path', path]).name);
  t.deepEqual(names, ['apps', 'apps-staging', 'apps-feature-x', 'apps-deploy-web', 'apps-prod-jobs-eu']);
  t.is(parse(['--repo', 'x', '--branch', 'staging', '--name', 'mine']).name, 'mine');
  const long = parse(['--repo', 'https://h/team/apps.git', '--branch', `release/${'x'.repeat(120)}`]).name;
  t.is(long.length, 100, 'no longer than the master takes');
  t.regex(long, /^apps-release-x+-[0-9a-f]{8}$/);
});

test('--help', (t) => {
  t.is(parseOptions(['--help']), 'help');
});

test('--host-alias NAME=HOST is repeatable; a bad or contradictory one names the option', (t) => {
  const c = parse(['--repo', 'x', '--host-alias', 'local=laptop', '--host-alias', 'db=db-1', '--host-alias', 'local=laptop']);
  t.deepEqual([...c.hostAliases], [['local', 'laptop'], ['db', 'db-1']]);
  t.is(parse(['--repo', 'x']).hostAliases.size, 0);
  for (const bad of ['local', 'local=', '=laptop', 'a=b=c', 'lo cal=x']) {
    t.throws(() => parseHostAliases([bad]), { message: /--host-alias: expected NAME=HOST/ }, bad);
  }
  t.throws(() => parseHostAliases(['local=a', 'local=b']), { message: /local is given twice \(a and b\)/ });
});

test('--ca, --cert and --key (else HELIOS_CA, HELIOS_CERT, HELIOS_KEY) are read at once, a bad one named', (t) => {
  t.is(parse(['--repo', 'x']).tls, undefined);
  t.throws(() => parse(['--repo', 'x', '--ca', '/no/such/ca.pem']), { message: '--ca /no/such/ca.pem cannot be read (ENOENT)' });
  t.throws(() => parse(['--repo', 'x'], { HELIOS_CA: '/no/env/ca.pem' }), { message: '--ca /no/env/ca.pem cannot be read (ENOENT)' });
  t.throws(() => parse(['--repo', 'x', '--key', '/k.pem']), { message: '--key /k.pem needs --cert FILE too (the certificate of that key)' });
});

test('timeouts, retries and sizes: defaults, and each bad one named', (t) => {
  const repo = ['--repo', 'https://git.example.com/team/apps.git'];
  t.like(parse(repo), {
    gitTimeoutMs: 30_000, gitRetries: 2, passTimeoutMs: 120_000, staleAfterMs: 120_000,
    limits: { maxFileBytes: 1024 * 1024, maxJobBytes: 256 * 1024, maxSyncBytes: 64 * 1024 * 1024 }, maxGitObjectBytes: 100 * 1024 * 1024,
  });
  t.like(parse([...repo, '--interval', '5m']), { staleAfterMs: 15 * 60_000 }, 'three intervals when longer than the pass timeout');
  t.like(parse([...repo, '--git-timeout', '5s', '--git-retries', '0', '--pass-timeout', '30s', '--stale-after', '1m', '--max-file-bytes', '2MiB', '--max-job-bytes', '512KiB', '--max-sync-bytes', '100MiB', '--max-git-object-bytes', '1GiB']), {
    gitTimeoutMs: 5000, gitRetries: 0, passTimeoutMs: 30_000, staleAfterMs: 60_000,
    limits: { maxFileBytes: 2 * 1024 * 1024, maxJobBytes: 512 * 1024, maxSyncBytes: 100 * 1024 * 1024 }, maxGitObjectBytes: 1024 * 1024 * 1024,
  });
  t.throws(() => parse([...repo, '--git-timeout', 'forever']), { message: /--git-timeout/ });
  t.throws(() => parse([...repo, '--git-timeout', '10ms']), { message: /--git-timeout: at least 100ms/ });
  t.throws(() => parse([...repo, '--git-retries', '-1']), { message: /--git-retries/ });
  t.throws(() => parse([...repo, '--max-job-bytes', 'lots']), { message: /--max-job-bytes "lots": give a size in bytes/ });
  t.throws(() => parse([...repo, '--max-file-bytes', '0']), { message: /--max-file-bytes: more than 0/ });
  t.throws(() => parse([...repo, '--max-git-object-bytes', 'big']), { message: /--max-git-object-bytes "big": give a size in bytes/ });
});
