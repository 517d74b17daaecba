import test from 'ava';
import { readFileSync } from 'node:fs';
import { errorCodes, isErrorCode, type ErrorCode } from './codes.js';
import { HeliosError } from './HeliosError.js';

const codes = Object.keys(errorCodes) as ErrorCode[];
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

test('every code has a 4xx or 5xx status, a failing exit code and a doc line', (t) => {
  for (const code of codes) {
    const { http, exit, doc } = errorCodes[code];
    t.true(Number.isInteger(http) && http >= 400 && http <= 599, `${code} http ${http}`);
    t.true(Number.isInteger(exit) && exit >= 1 && exit <= 125, `${code} exit ${exit}`);
    t.true(doc.trim().length > 10 && !doc.includes('\n'), `${code} doc`);
  }
});

test('conflicts are 409, as the house style says (Helios answered 400)', (t) => {
  for (const code of ['JOB_ALREADY_EXISTS', 'JOB_ALREADY_DEPLOYED', 'PORT_CONFLICT', 'STILL_IN_USE', 'HOST_STILL_IN_USE'] as const) {
    t.is(errorCodes[code].http, 409, code);
  }
});

test('core/README.md lists every code with its status, exit code and doc line', (t) => {
  for (const code of codes) {
    const { http, exit, doc } = errorCodes[code];
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
    t.truthy(row, `no README row for ${code}`);
    t.is(row, `| \`${code}\` | ${http} | ${exit} | ${doc} |`, code);
  }
});

test('HeliosError carries the status and exit code of its code, and its data in the body', (t) => {
  const err = new HeliosError('UNKNOWN_JOB', 'Unknown job: x', { ref: 'x' });
  t.is(err.httpStatus, 404);
  t.is(err.exitCode, 1);
  t.deepEqual(err.toBody(), { ref: 'x', status: 'UNKNOWN_JOB', message: 'Unknown job: x' });
  t.true(isErrorCode('UNKNOWN_JOB'));
  t.false(isErrorCode('NOPE'));
  t.false(isErrorCode('toString'));
});
