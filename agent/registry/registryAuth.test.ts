import test from 'ava';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { CredentialHelperError } from './credentialHelper.js';
import { DockerConfigError } from './dockerConfig.js';
import { findRegistryAuth } from './registryAuth.js';

const root = mkdtempSync(join(tmpdir(), 'helios-dockercfg-'));
test.after.always(() => rm(root, { recursive: true, force: true }));

// A credential helper on PATH, as `docker-credential-test`: answers by the server address it is given
// on stdin, and records every address asked.
const bin = join(root, 'bin');
mkdirSync(bin);
writeFileSync(join(bin, 'docker-credential-test'), `#!/bin/sh
read -r server
echo "$server" >> "${join(root, 'asked')}"
case "$server" in
  reg.example:5000) echo '{"ServerURL":"reg.example:5000","Username":"bob","Secret":"helper-password"}' ;;
  https://index.docker.io/v1/) echo '{"ServerURL":"https://index.docker.io/v1/","Username":"hubuser","Secret":"hub-password"}' ;;
  tok.example) echo '{"ServerURL":"tok.example","Username":"<token>","Secret":"refresh-token"}' ;;
  slow.example) sleep 30 ;;
  broken.example) echo 'gpg: decryption failed: No secret key' >&2; exit 1 ;;
  garbled.example) echo 'not json {"Secret":"leaked-secret"' ;;
  *) echo 'credentials not found in native keychain'; exit 1 ;;
esac
`, { mode: 0o755 });
process.env.PATH = `${bin}${delimiter}${process.env.PATH ?? ''}`;

let dirs = 0;
async function config(content: unknown): Promise<string> {
  const dir = join(root, `config-${++dirs}`);
  await mkdir(dir);
  await writeFile(join(dir, 'config.json'), typeof content === 'string' ? content : JSON.stringify(content));
  return dir;
}
const b64 = (text: string) => Buffer.from(text).toString('base64');

test('auths: base64 auth, username/password and identitytoken, matched by host:port', async (t) => {
  const dir = await config({ auths: {
    'reg.example:5000': { auth: b64('alice:pa:ss') },
    'plain.example': { username: 'carol', password: 'pw' },
    'https://tok.example/v2/': { identitytoken: 'tok' },
  } });
  t.deepEqual(await findRegistryAuth('reg.example:5000/team/web:1', dir),
    { auth: { serveraddress: 'reg.example:5000', username: 'alice', password: 'pa:ss' }, source: 'auths' });
  t.deepEqual((await findRegistryAuth('plain.example/web', dir)).auth, { serveraddress: 'plain.example', username: 'carol', password: 'pw' });
  t.deepEqual((await findRegistryAuth('tok.example/web@sha256:' + 'a'.repeat(64), dir)).auth, { serveraddress: 'tok.example', identitytoken: 'tok' });
  t.is((await findRegistryAuth('reg.example:5001/team/web:1', dir)).auth, undefined, 'another port is another registry');
  t.is((await findRegistryAuth('reg.example/team/web:1', dir)).auth, undefined);
  t.is((await findRegistryAuth('busybox', dir)).auth, undefined);
});

test('a missing config file means anonymous pulls', async (t) => {
  t.deepEqual(await findRegistryAuth('reg.example:5000/web', join(root, 'none')), { auth: undefined, source: 'auths' });
});

test('Docker Hub is found under each of its names, and an exact key wins over a legacy URL key', async (t) => {
  for (const key of ['https://index.docker.io/v1/', 'docker.io', 'index.docker.io', 'registry-1.docker.io', 'http://index.docker.io/v1']) {
    const dir = await config({ auths: { [key]: { auth: b64('hub:pw') } } });
    for (const image of ['busybox', 'library/busybox:1', 'docker.io/team/web', 'index.docker.io/team/web', 'registry-1.docker.io/x/y']) {
      const { auth } = await findRegistryAuth(image, dir);
      t.deepEqual(auth, { serveraddress: 'https://index.docker.io/v1/', username: 'hub', password: 'pw' }, `${key} for ${image}`);
    }
  }
  const dir = await config({ auths: { 'https://reg.example:5000/v2/': { auth: b64('legacy:pw') }, 'reg.example:5000': { auth: b64('exact:pw') } } });
  t.is((await findRegistryAuth('reg.example:5000/web', dir)).auth?.username, 'exact');
});

test('credHelpers before credsStore before auths; the helper is asked for host:port or the hub address', async (t) => {
  const dir = await config({
    auths: { 'reg.example:5000': { auth: b64('file:pw') }, 'other.example': { auth: b64('file:pw') } },
    credHelpers: { 'reg.example:5000': 'test', 'docker.io': 'test' },
  });
  t.deepEqual(await findRegistryAuth('reg.example:5000/web', dir),
    { auth: { serveraddress: 'reg.example:5000', username: 'bob', password: 'helper-password' }, source: 'docker-credential-test' });
  t.deepEqual((await findRegistryAuth('busybox', dir)).auth,
    { serveraddress: 'https://index.docker.io/v1/', username: 'hubuser', password: 'hub-password' });
  t.deepEqual((await findRegistryAuth('other.example/web', dir)).auth?.username, 'file', 'no helper for it: auths');

  const store = await config({ auths: { 'unknown.example': { auth: b64('file:pw') } }, credsStore: 'test' });
  t.deepEqual((await findRegistryAuth('tok.example/web', store)).auth, { serveraddress: 'tok.example', identitytoken: 'refresh-token' }, '<token> is an identity token');
  t.deepEqual(await findRegistryAuth('unknown.example/web', store), { auth: undefined, source: 'docker-credential-test' },
    'the store has nothing: anonymous, as the docker CLI (auths are not asked)');
  const asked = (await readFile(join(root, 'asked'), 'utf8')).trim().split('\n');
  // Other tests ask the same helper meanwhile: each of these was asked, and other.example never.
  for (const address of ['reg.example:5000', 'https://index.docker.io/v1/', 'tok.example', 'unknown.example']) t.true(asked.includes(address), address);
  t.false(asked.includes('other.example'));
});

test('a helper that fails, hangs or answers nonsense is an error naming it, never carrying its answer', async (t) => {
  const dir = await config({ credsStore: 'test', credHelpers: { 'missing.example': 'absent' } });
  const broken = await t.throwsAsync(findRegistryAuth('broken.example/web', dir), { instanceOf: CredentialHelperError });
  t.is(broken.message, 'credential helper docker-credential-test failed (exit code 1): gpg: decryption failed: No secret key');
  const garbled = await t.throwsAsync(findRegistryAuth('garbled.example/web', dir), { instanceOf: CredentialHelperError });
  t.is(garbled.message, 'credential helper docker-credential-test answered something other than JSON');
  const missing = await t.throwsAsync(findRegistryAuth('missing.example/web', dir), { instanceOf: CredentialHelperError });
  t.is(missing.message, 'credential helper docker-credential-absent is not on PATH');
  const started = Date.now();
  const slow = await t.throwsAsync(findRegistryAuth('slow.example/web', dir, 300), { instanceOf: CredentialHelperError });
  t.is(slow.message, 'credential helper docker-credential-test gave no answer within 300 ms');
  t.true(Date.now() - started < 2_000, 'the sleep the helper started is killed with it, not waited for');
});

test('the config is read again for every lookup: a rotated password is used at once', async (t) => {
  const dir = await config({ auths: { 'reg.example:5000': { auth: b64('alice:old') } } });
  t.is((await findRegistryAuth('reg.example:5000/web', dir)).auth?.password, 'old');
  await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: { 'reg.example:5000': { auth: b64('alice:new') } } }));
  t.is((await findRegistryAuth('reg.example:5000/web', dir)).auth?.password, 'new');
});

test('a broken config is an error naming the file and field, never quoting a value', async (t) => {
  const cases: Array<[unknown, RegExp]> = [
    ['{"auths": {"reg.example:5000": {"auth": "c2VjcmV0LXZhbHVl" ', /config\.json is not valid JSON$/],
    [[], /must be a JSON object/],
    [{ auths: { 'reg.example:5000': { auth: b64('no-colon-secret-value') } } }, /the auth of reg\.example:5000 is not base64 of user:password/],
    [{ auths: { 'reg.example:5000': { password: 42 } } }, /auths\["reg\.example:5000"\]\.password must be a string/],
    [{ credsStore: '../../bin/secret-value' }, /credsStore must name a credential helper/],
    [{ credHelpers: { 'reg.example:5000': '/tmp/x' } }, /credHelpers\["reg\.example:5000"\] must name a credential helper/],
  ];
  for (const [content, message] of cases) {
    const dir = await config(content);
    const err = await t.throwsAsync(findRegistryAuth('reg.example:5000/web', dir), { instanceOf: DockerConfigError });
    t.regex(err.message, message);
    t.true(err.message.includes(join(dir, 'config.json')));
    t.false(/secret-value|c2VjcmV0/.test(err.message), err.message);
  }
});
