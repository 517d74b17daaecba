import test from 'ava';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultTokenName, loadTokenFile, parseTokenFile, TokenFileError } from './tokenFile.js';

const T = (n: number) => `token-${String(n).padStart(2, '0')}-abcdefghijkl`;
const F = '/etc/helios/tokens';

test('roles, names, bindings, comments and blank lines', (t) => {
  const text = [
    '# people',
    `${T(1)} admin alice`,
    '',
    `  ${T(2)}   deploy  ci   # the CI pipeline`,
    `${T(3)} read`,
    `${T(4)} agent agents`,
    `${T(5)} agent:host-a`,
    `${T(6)} sync:apps,infra syncer`,
  ].join('\n');
  const { entries, warnings } = parseTokenFile(text, F);
  t.deepEqual(warnings, []);
  t.deepEqual(entries, [
    { token: T(1), name: 'alice', role: 'admin' },
    { token: T(2), name: 'ci', role: 'deploy' },
    { token: T(3), name: defaultTokenName(T(3)), role: 'read' },
    { token: T(4), name: 'agents', role: 'agent' },
    { token: T(5), name: defaultTokenName(T(5)), role: 'agent', host: 'host-a' },
    { token: T(6), name: 'syncer', role: 'sync', sources: ['apps', 'infra'] },
  ]);
  t.regex(defaultTokenName(T(3)), /^token-[0-9a-f]{8}$/, 'a default name tells nothing of the token');
});

test('a line with only a token is an admin token, with a warning naming the line', (t) => {
  const { entries, warnings } = parseTokenFile(`# old file\n${T(1)}\n`, F);
  t.deepEqual(entries, [{ token: T(1), name: defaultTokenName(T(1)), role: 'admin' }]);
  t.deepEqual(warnings, [`${F}:2: a token without a role is an admin token; write "TOKEN admin [NAME]" (or a narrower role) to say so`]);
});

test('a short token is a warning, so that existing files keep working', (t) => {
  const { warnings } = parseTokenFile('s3cret deploy', F);
  t.deepEqual(warnings, [`${F}:1: the token is only 6 characters; use at least 16 (e.g. openssl rand -hex 24)`]);
});

const malformed: Array<[string, string, string]> = [
  ['an unknown role', `${T(1)} root`, `${F}:1: "root" is not a role (a role is read, deploy, agent, admin, exec, agent:HOST or sync:SOURCE)`],
  ['sync without a source', `${T(1)} sync`, `${F}:1: a sync token is bound to its sources: write sync:SOURCE (sync:a,b for several)`],
  ['a bad source name', `${T(1)} sync:-x`, `${F}:1: "-x" is not a sync source name`],
  ['a binding on another role', `${T(1)} read:x`, `${F}:1: "read:x" is not a role (a role is read, deploy, agent, admin, exec, agent:HOST or sync:SOURCE)`],
  ['a bad host', `${T(1)} agent:a/b`, `${F}:1: "a/b" is not a host name (agent:HOST)`],
  ['too many words (an inline comment without #)', `${T(1)} deploy ci the pipeline`, `${F}:1: expected TOKEN ROLE [NAME], found 5 words (a comment starts with # after a space)`],
  ['a bad name', `${T(1)} deploy c!`, `${F}:1: "c!" is not a token name (letters, digits, ".", "_", "@", "-"; at most 64)`],
  ['a repeated token', `${T(1)} deploy a\n\n${T(1)} read b`, `${F}:3: the same token as line 1; every token must be different`],
  ['a repeated name', `${T(1)} deploy ci\n${T(2)} read ci`, `${F}:2: the name ci is also on line 1; the audit log tells tokens apart by name`],
  ['no token at all', '# nothing\n\n', `token file ${F}: holds no tokens`],
  // The token second by mistake: the message (stderr at start, the log on SIGHUP) must not show it.
  ['the token where the role goes', `deploy ${T(1)} ci`, `${F}:1: a word of 21 characters (not shown: it may be a token) is not a role (a role is read, deploy, agent, admin, exec, agent:HOST or sync:SOURCE)`],
  ['the token where the name goes', `x deploy ${T(1)}+/=`, `${F}:1: a word of 24 characters (not shown: it may be a token) is not a token name (letters, digits, ".", "_", "@", "-"; at most 64)`],
];
for (const [what, text, message] of malformed) {
  test(`a token file with ${what} is refused with file and line`, (t) => {
    const err = t.throws(() => parseTokenFile(text, F), { instanceOf: TokenFileError });
    t.is(err?.message, message);
  });
}

test('a token file others may read is a warning; a missing one an error naming it', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'helios-tokens-'));
  const file = join(dir, 'tokens');
  writeFileSync(file, `${T(1)} admin alice\n`);
  chmodSync(file, 0o644);
  t.deepEqual(loadTokenFile(file).warnings, [`token file ${file} may be read by other users (mode 644): chmod 600 ${file}`]);
  chmodSync(file, 0o600);
  t.deepEqual(loadTokenFile(file).warnings, []);
  const err = t.throws(() => loadTokenFile(join(dir, 'nope')), { instanceOf: TokenFileError });
  t.is(err?.message, `token file ${join(dir, 'nope')}: cannot be read: ENOENT`);
});
