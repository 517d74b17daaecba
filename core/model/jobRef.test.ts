import test, { type ExecutionContext } from 'ava';
import { HeliosError } from '../errors/HeliosError.js';
import { resolveJobRef } from './jobRef.js';

const h = (c: string) => c.repeat(40);
const ids = [`web:1:${h('a')}`, `web:2:${h('b')}`, `web:2:${'b'.repeat(6)}${'c'.repeat(34)}`, `api:1:${h('d')}`, `webby:1:${h('e')}`];

function thrown(t: ExecutionContext, ref: string): HeliosError {
  const err = t.throws(() => resolveJobRef(ref, ids));
  t.true(err instanceof HeliosError);
  return err as HeliosError;
}

test('an exact full id resolves to itself', (t) => {
  t.is(resolveJobRef(`web:1:${h('a')}`, ids), `web:1:${h('a')}`);
});

test('a name alone resolves when one job has that name', (t) => {
  t.is(resolveJobRef('api', ids), `api:1:${h('d')}`);
  t.is(resolveJobRef('webby', ids), `webby:1:${h('e')}`);
});

test('name:version resolves to that version', (t) => {
  t.is(resolveJobRef('web:1', ids), `web:1:${h('a')}`);
});

test('name:version:prefix matches hashes starting with the prefix', (t) => {
  t.is(resolveJobRef('web:2:bbbbbbb', ids), `web:2:${h('b')}`);
  t.is(resolveJobRef('web:1:a', ids), `web:1:${h('a')}`);
});

test('a name shared by several jobs is AMBIGUOUS_JOB_REFERENCE listing the matches', (t) => {
  const err = thrown(t, 'web');
  t.is(err.code, 'AMBIGUOUS_JOB_REFERENCE');
  t.is(err.message, `Ambiguous job reference: web matches web:1:${h('a')}, web:2:${h('b')}, web:2:bbbbbb${'c'.repeat(34)}`);
  t.deepEqual(err.data, { ref: 'web', matches: [`web:1:${h('a')}`, `web:2:${h('b')}`, `web:2:bbbbbb${'c'.repeat(34)}`] });
  t.is(err.httpStatus, 409);
  t.is(err.exitCode, 1);
});

test('a hash prefix shared by two versions is ambiguous', (t) => {
  t.is(thrown(t, 'web:2:bbbbbb').code, 'AMBIGUOUS_JOB_REFERENCE');
});

test('no match is UNKNOWN_JOB naming the reference', (t) => {
  for (const ref of ['nope', 'web:3', 'web:1:b', 'we', 'web:', ':1', '', 'web:1:a:b']) {
    const err = thrown(t, ref);
    t.is(err.code, 'UNKNOWN_JOB', ref);
    t.is(err.message, `Unknown job: ${ref}`);
    t.deepEqual(err.data, { ref });
  }
});

test('a name is not matched as a substring of a longer name', (t) => {
  t.is(resolveJobRef('webby:1', ids), `webby:1:${h('e')}`);
  t.is(thrown(t, 'eb').code, 'UNKNOWN_JOB');
});

test('ids without a hash still resolve by name and version', (t) => {
  t.is(resolveJobRef('a', ['a:1']), 'a:1');
  t.is(resolveJobRef('a:1', new Set(['a:1', 'b:1'])), 'a:1');
});

test('a long list of matches is cut after ten', (t) => {
  const many = Array.from({ length: 12 }, (_, i) => `x:${String(i).padStart(2, '0')}:${h('f')}`);
  const err = t.throws(() => resolveJobRef('x', many)) as HeliosError;
  t.true(err.message.endsWith(' and 2 more'));
  t.is((err.data.matches as string[]).length, 12);
});
