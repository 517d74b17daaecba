import test from 'ava';
import { compileNamePattern, filterByPattern, MAX_PROGRAM_SIZE } from './namePattern.js';

const hosts = ['host1.foo.example.com', 'host2.foo.example.com', 'web-1', 'old-web', 'web-12.lon'];
const matching = (pattern: string) => filterByPattern(hosts, compileNamePattern(pattern), Number.POSITIVE_INFINITY);

test('a pattern is found anywhere in the name (Java find), anchors and classes work', (t) => {
  t.deepEqual(matching('web'), ['web-1', 'old-web', 'web-12.lon']);
  t.deepEqual(matching('^web-[0-9]+$'), ['web-1']);
  t.deepEqual(matching('host[12]\\.foo'), ['host1.foo.example.com', 'host2.foo.example.com']);
  t.deepEqual(matching('(?i)WEB-1'), ['web-1', 'web-12.lon']);
  t.deepEqual(matching('host5'), []);
});

test('every name a plain substring matched still matches ("." also matches itself)', (t) => {
  for (const name of hosts) {
    for (let start = 0; start < name.length; start += 3) {
      const part = name.slice(start, start + 5);
      t.true(compileNamePattern(part).test(name), `${part} in ${name}`);
    }
  }
});

test('what RE2 cannot bound, and programs past the cap, are refused saying why', (t) => {
  const cases: Array<[string, RegExp]> = [
    ['(.)\\1', /invalid escape sequence/], ['web(?=-1)', /unsupported Perl syntax/], ['(a', /missing closing \)/],
    ['a{1001}', /invalid repeat count/], [`[a-z]{${MAX_PROGRAM_SIZE}}x`, /compiles to 1003 instructions, more than 1000/],
  ];
  for (const [pattern, why] of cases) {
    const err = t.throws(() => compileNamePattern(pattern), undefined, pattern) as Error & { code: string; data: { pattern: string } };
    t.is(err.code, 'INVALID_ARGUMENT');
    t.regex(err.message, why);
    t.is(err.data.pattern, pattern);
  }
});

test('patterns that backtrack exponentially in a backtracking engine match in linear time', (t) => {
  const name = `${'a'.repeat(200)}!`;
  for (const pattern of ['^(a+)+$', '^(a|a)*$', '^(a|aa)*b', '^((a*)*)*$', '(.*){1,32}z']) {
    t.false(compileNamePattern(pattern).test(name), pattern);
  }
});

test('filterByPattern gives up (null) once the deadline has passed, checked between names', (t) => {
  const pattern = compileNamePattern('web');
  t.is(filterByPattern(hosts, pattern, performance.now() - 1), null);
  t.deepEqual(filterByPattern([], pattern, performance.now() - 1), []);
});
