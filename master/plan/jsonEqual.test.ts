import test from 'ava';
import { jsonEqual } from './jsonEqual.js';

test('values equal as JSON are equal, whatever the key order', (t) => {
  t.true(jsonEqual({ a: [1, { b: 'x', c: null }], d: true }, JSON.parse('{"d":true,"a":[1,{"c":null,"b":"x"}]}')));
  t.true(jsonEqual([], []));
  t.true(jsonEqual('s', 's'));
});

test('any difference in a scalar, an array\'s order or length, or a key makes them unequal', (t) => {
  const base = { a: [1, 2], e: { X: '1' } };
  for (const other of [
    { a: [2, 1], e: { X: '1' } }, { a: [1, 2, 3], e: { X: '1' } }, { a: [1, 2], e: { X: '2' } },
    { a: [1, 2], e: { Y: '1' } }, { a: [1, 2], e: { X: '1', Y: '1' } }, { a: [1, 2] }, { a: { 0: 1, 1: 2 }, e: { X: '1' } },
    { a: [1, '2'], e: { X: '1' } }, { a: [1, 2], e: null }, null, [base],
  ]) t.false(jsonEqual(base, other), JSON.stringify(other));
  t.false(jsonEqual({ a: undefined }, { b: undefined }));
});
