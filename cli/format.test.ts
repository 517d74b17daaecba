import test from 'ava';
import type { TaskStatus } from '../core/schema/status.js';
import { commandString, envString, humanDuration, portsString, shortContainerId, shortJobId, taskReason, utcTimestamp } from './format.js';

test('job ids shorten to 7 hash characters', (t) => {
  t.is(shortJobId('foo:v1:2a89d5a87851d68678aabdad38d31faa296f5bf1'), 'foo:v1:2a89d5a');
  t.is(shortJobId('foo:v1'), 'foo:v1');
});

test('container ids are 12 characters, <none> when missing', (t) => {
  t.is(shortContainerId('60671498ae98aabbccddeeff'), '60671498ae98');
  t.is(shortContainerId(null), '<none>');
});

test('timestamps are UTC with milliseconds', (t) => {
  t.is(utcTimestamp(Date.UTC(2013, 10, 27, 14, 37, 44, 987)), '2013-11-27 14:37:44.987');
});

test('durations name their largest unit', (t) => {
  t.is(humanDuration(0), '0 seconds');
  t.is(humanDuration(1000), '1 second');
  t.is(humanDuration(3_500), '3 seconds');
  t.is(humanDuration(39 * 60_000 + 49_000), '39 minutes');
  t.is(humanDuration(2 * 86_400_000), '2 days');
});

test('commands quote words with blanks, env is K=V sorted, ports as docker ps prints them', (t) => {
  t.is(commandString(['/bin/sh', '-c', 'echo $FOO']), '/bin/sh -c "echo $FOO"');
  t.is(envString({ B: '2', A: '1' }), 'A=1 B=2');
  t.is(portsString({ http: { ip: '127.0.0.1', internalPort: 8080, externalPort: 18080, protocol: 'tcp' } }), 'http=127.0.0.1:18080->8080/tcp');
  t.is(portsString({ http: { internalPort: 80, externalPort: 8080, protocol: 'tcp' }, dns: { ip: '127.0.0.1', internalPort: 53, protocol: 'udp' } }),
    'http=8080->80/tcp dns=127.0.0.1:dynamic->53/udp');
});

const status = (over: Partial<TaskStatus>): TaskStatus => ({
  jobId: 'web:1:abc', goal: 'START', state: 'RUNNING', containerId: null, throttled: 'NO', ports: {}, env: {}, containerError: null, ...over,
});

test('a task\'s reason: its container error, its last failed health check, or how long a stopping container has', (t) => {
  t.is(taskReason(status({})), '');
  t.is(taskReason(status({ state: 'FAILED', containerError: 'failed to create shim task' })), 'failed to create shim task');
  t.is(taskReason(status({ state: 'HEALTHCHECKING', healthCheckError: 'GET http://127.0.0.1:1/: socket hang up' })),
    'health check: GET http://127.0.0.1:1/: socket hang up');
  t.is(taskReason(status({ state: 'STOPPING' }), {}), 'given 120 s to stop after SIGTERM before it is killed');
  t.is(taskReason(status({ state: 'STOPPING' }), { gracePeriod: 5, secondsToWaitBeforeKill: 2 }),
    'given 2 s to stop after SIGTERM before it is killed (SIGTERM after a 5 s grace period)');
  t.is(taskReason(status({ state: 'STOPPING' })), '', 'without the job nothing is guessed');
});
