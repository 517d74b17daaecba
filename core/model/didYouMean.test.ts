import test from 'ava';
import { didYouMean } from './didYouMean.js';

const fields = ['command', 'env', 'image', 'ports', 'hostname', 'healthCheck', 'internalPort', 'externalPort'];

test('a typo within a small edit distance gets the known word', (t) => {
  t.is(didYouMean('comand', fields), 'command');
  t.is(didYouMean('internalPrt', fields), 'internalPort');
  t.is(didYouMean('helthCheck', fields), 'healthCheck');
  t.is(didYouMean('imgae', fields), 'image');
});

test('case is ignored and a swap of two neighbours is one edit', (t) => {
  t.is(didYouMean('Command', fields), 'command');
  t.is(didYouMean('ENV', fields), 'env');
  t.is(didYouMean('hsots', ['hosts', 'history', 'jobs']), 'hosts');
  t.is(didYouMean('pots', fields), 'ports');
});

test('a word far from every candidate gets nothing', (t) => {
  t.is(didYouMean('replicas', fields), undefined);
  t.is(didYouMean('xyz', fields), undefined);
  t.is(didYouMean('colour', fields), undefined);
  t.is(didYouMean('comand', []), undefined);
});

test('short words allow one edit, longer ones more', (t) => {
  t.is(didYouMean('enx', fields), 'env');
  t.is(didYouMean('exx', fields), undefined);
  t.is(didYouMean('cmmnd', fields), undefined);
  t.is(didYouMean('comnad', fields), 'command');
  t.is(didYouMean('intrnalPrt', fields), 'internalPort');
});

test('the closest candidate wins, the first among equals', (t) => {
  t.is(didYouMean('agent-33', ['agent-1', 'agent-3']), 'agent-3');
  t.is(didYouMean('agent-9', ['agent-1', 'agent-2']), 'agent-1');
});

test('the word itself is not suggested', (t) => {
  t.is(didYouMean('env', ['env']), undefined);
});
