import test from 'ava';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isHeliosError } from '../../core/index.js';
import { openMasterSecrets } from './masterSecrets.js';
import { SecretsKeyError } from './secretsKey.js';

const dir = () => {
  const path = mkdtempSync(join(tmpdir(), 'helios-secrets-'));
  return { path, [Symbol.dispose]: () => rmSync(path, { recursive: true, force: true }) };
};

test('the default key file is made 0600 (its folder 0700) at the first seal, not at start-up, and read back by the next master', (t) => {
  using d = dir();
  const path = join(d.path, 'home', 'secrets.key');
  const made: string[] = [];
  const secrets = openMasterSecrets({ path, create: true }, (p) => made.push(p));
  t.throws(() => statSync(path), undefined, 'nothing written before a login');
  t.true(isHeliosError((() => { try { secrets.open('v1:AAAA', 'a'); } catch (err) { return err; } })(), 'SECRETS_UNAVAILABLE'), 'nothing to open with yet');
  const sealed = secrets.seal('pw', 'a');
  t.deepEqual(made, [path]);
  t.is(statSync(path).mode & 0o777, 0o600);
  t.is(statSync(join(d.path, 'home')).mode & 0o777, 0o700);
  t.is(openMasterSecrets({ path, create: false }).open(sealed, 'a'), 'pw');
});

test('a key file any user may read, one that is not a key, or a named one missing stop the start', (t) => {
  using d = dir();
  const path = join(d.path, 'secrets.key');
  t.throws(() => openMasterSecrets({ path, create: false }), { instanceOf: SecretsKeyError, message: /does not exist: make one with/ });
  writeFileSync(path, `${'0f'.repeat(32)}\n`, { mode: 0o644 });
  chmodSync(path, 0o644);
  t.throws(() => openMasterSecrets({ path, create: true }), { instanceOf: SecretsKeyError, message: `secrets key file ${path} may be read by any user (mode 644): chmod 600 ${path}` });
  chmodSync(path, 0o600);
  t.notThrows(() => openMasterSecrets({ path, create: false }));
  writeFileSync(path, 'short\n');
  t.throws(() => openMasterSecrets({ path, create: false }), { instanceOf: SecretsKeyError, message: /must hold 64 hex digits/ });
});

test('a master without a key file seals nothing', (t) => {
  const err = t.throws(() => openMasterSecrets(undefined).seal('pw', 'a'));
  t.true(isHeliosError(err, 'SECRETS_UNAVAILABLE'));
});
