import test from 'ava';
import type { HeliosError } from '../errors/HeliosError.js';
import { formatHostSelector, matchesHostSelectors, parseHostSelector } from './hostSelector.js';

test('parses the four operators, tolerating whitespace', (t) => {
  t.deepEqual(parseHostSelector('role = web'), { label: 'role', operator: 'EQUALS', operand: 'web' });
  t.deepEqual(parseHostSelector('role=web'), { label: 'role', operator: 'EQUALS', operand: 'web' });
  t.deepEqual(parseHostSelector('  pool != canary  '), { label: 'pool', operator: 'NOT_EQUALS', operand: 'canary' });
  t.deepEqual(parseHostSelector('dc in (lon, ams)'), { label: 'dc', operator: 'IN', operand: ['lon', 'ams'] });
  t.deepEqual(parseHostSelector('dc in(lon,ams,lon)'), { label: 'dc', operator: 'IN', operand: ['lon', 'ams'] });
  t.deepEqual(parseHostSelector('dc notin ( lon )'), { label: 'dc', operator: 'NOT_IN', operand: ['lon'] });
  t.deepEqual(parseHostSelector('a.b-c_d = v.1-x_y'), { label: 'a.b-c_d', operator: 'EQUALS', operand: 'v.1-x_y' });
  t.deepEqual(parseHostSelector('domain in (x)'), { label: 'domain', operator: 'IN', operand: ['x'] });
});

test('bad selectors throw INVALID_ARGUMENT saying what form is expected', (t) => {
  const expected = 'expected "label = value", "label != value", "label in (a, b)" or "label notin (a, b)"; '
    + 'labels and values may contain letters, digits, ".", "_" and "-"';
  const cases: Array<[string, string]> = [
    ['', expected], ['role', expected], ['role =', expected], ['= web', expected], ['role == web', expected],
    ['role = a b', expected], ['role in web', expected], ['role in (a', expected], ['role like web', expected],
    ['role in (a,,b)', 'the list has an empty value'], ['role in ( , )', 'the list has an empty value'],
    ['role notin (a b)', 'value "a b" may only contain letters, digits, ".", "_" and "-"'],
  ];
  for (const [text, why] of cases) {
    const err = t.throws(() => parseHostSelector(text)) as HeliosError;
    t.is(err.code, 'INVALID_ARGUMENT', text);
    t.is(err.message, `invalid host selector "${text}": ${why}`);
  }
});

test('a host must have the label and satisfy every selector', (t) => {
  const labels = { role: 'web', dc: 'lon' };
  const sel = (...texts: string[]) => texts.map(parseHostSelector);
  t.true(matchesHostSelectors(sel('role = web'), labels));
  t.true(matchesHostSelectors(sel('role = web', 'dc in (lon, ams)'), labels));
  t.false(matchesHostSelectors(sel('role = web', 'dc notin (lon)'), labels));
  t.true(matchesHostSelectors(sel('role != api'), labels));
  t.false(matchesHostSelectors(sel('role != web'), labels));
  t.true(matchesHostSelectors(sel('dc notin (ams)'), labels));
  t.false(matchesHostSelectors(sel('dc in (ams, nyc)'), labels));
});

test('a missing label never matches, not even != or notin', (t) => {
  t.false(matchesHostSelectors([parseHostSelector('pool != canary')], { role: 'web' }));
  t.false(matchesHostSelectors([parseHostSelector('pool notin (canary)')], { role: 'web' }));
  t.false(matchesHostSelectors([parseHostSelector('toString = x')], {}));
});

test('an empty selector list matches nothing', (t) => {
  t.false(matchesHostSelectors([], { role: 'web' }));
  t.false(matchesHostSelectors([], {}));
});

test('formatHostSelector writes the form parseHostSelector reads back', (t) => {
  for (const text of ['role = web', 'pool != canary', 'dc in (lon, ams)', 'dc notin (lon)']) {
    t.is(formatHostSelector(parseHostSelector(text)), text);
  }
  t.is(formatHostSelector(parseHostSelector('dc   in(lon,ams)')), 'dc in (lon, ams)');
});

// Helios' HostSelectorTest testInOperatorEmptySet / testNotInOperatorEmptySet.
test('an empty list is valid: in () matches no value, notin () every value of a host that has the label', (t) => {
  for (const text of ['a in ()', 'a in()', 'a in (  )']) t.deepEqual(parseHostSelector(text), { label: 'a', operator: 'IN', operand: [] });
  for (const text of ['a notin ()', 'a notin()']) t.deepEqual(parseHostSelector(text), { label: 'a', operator: 'NOT_IN', operand: [] });
  for (const value of ['foo', 'bar', 'baz']) {
    t.false(matchesHostSelectors([parseHostSelector('a in ()')], { a: value }));
    t.true(matchesHostSelectors([parseHostSelector('a notin ()')], { a: value }));
  }
  t.false(matchesHostSelectors([parseHostSelector('a notin ()')], { b: 'foo' }));
  t.is(formatHostSelector(parseHostSelector('a notin ()')), 'a notin ()');
});
