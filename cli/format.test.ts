import test from 'ava';
import { commandString, envString, humanDuration, portsString, printable, shortContainerId, shortJobId, utcTimestamp } from './format.js';

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

test('commands quote words with blanks, env is K=V sorted, ports use the -p form', (t) => {
  t.is(commandString(['/bin/sh', '-c', 'echo $FOO']), '/bin/sh -c "echo $FOO"');
  t.is(envString({ B: '2', A: '1' }), 'A=1 B=2');
  t.is(portsString({ http: { internalPort: 80, externalPort: 8080, protocol: 'tcp' }, dns: { ip: '127.0.0.1', internalPort: 53, protocol: 'udp' } }),
    'http=80:8080/tcp dns=127.0.0.1:53/udp');
});

test('server strings print their control characters as escapes, so none reaches the terminal', (t) => {
  t.is(printable('c0ffee\u001b]0;owned\u0007\u001b[2J'), 'c0ffee\\u001b]0;owned\\u0007\\u001b[2J');
  t.is(printable('a\tb\nc\r\u007f\u009b'), 'a\\u0009b\\u000ac\\u000d\\u007f\\u009b');
  t.is(printable('https://git.example/ops.git ü ✓'), 'https://git.example/ops.git ü ✓');
});
