import test from 'ava';
import { compareHostNames } from './hostOrder.js';

// Helios' AlphaNumericComparator: digit runs by value, leading zeros ignored, else by characters.
test('hosts sort with digit runs compared as numbers', (t) => {
  t.deepEqual(['host10', 'host2', 'host1', 'agent-3', 'host2a', 'host02b'].sort(compareHostNames),
    ['agent-3', 'host1', 'host2', 'host2a', 'host02b', 'host10']);
  t.true(compareHostNames('h99999999999999999999', 'h100000000000000000000') < 0);
  t.is(compareHostNames('a1', 'a1'), 0);
  t.true(compareHostNames('a', 'a1') < 0);
});
