import test from 'ava';
import { parseJobFile } from './parseJobFile.js';

const head = 'name: web\nversion: "1"\nimage: busybox:latest\n';

const errorsOf = (file: string, text: string) => {
  const result = parseJobFile(file, text);
  if (result.ok) throw new Error(`expected errors, got a job of ${JSON.stringify(result.job).length} characters`);
  return result.errors;
};

test('JSON nested 7,000 levels is refused at the line where it passes 32 levels, before anything recurses into it', (t) => {
  const deep = `${'{"a":'.repeat(7000)}1${'}'.repeat(7000)}`;
  const text = `{\n  "name": "web",\n  "version": "1",\n  "image": "busybox:latest",\n  "x":\n${deep}\n}\n`;
  t.deepEqual(errorsOf('jobs/deep.json', text), [{ file: 'jobs/deep.json', line: 6, message: 'nested more than 32 levels deep (a job nests 4 at most)' }]);
});

test('YAML nested past 32 levels is refused at its line, in flow style and in block style', (t) => {
  const flow = `${head}env:\n  A: ${'['.repeat(5000)}1${']'.repeat(5000)}\n`;
  t.deepEqual(errorsOf('jobs/flow.yaml', flow), [{ file: 'jobs/flow.yaml', line: 5, message: 'nested more than 32 levels deep (a job nests 4 at most)' }]);
  const block = head + Array.from({ length: 40 }, (_, i) => `${' '.repeat(i)}k${i}:\n`).join('') + `${' '.repeat(40)}v\n`;
  t.deepEqual(errorsOf('jobs/block.yaml', block), [{ file: 'jobs/block.yaml', line: 4 + 32, message: 'nested more than 32 levels deep (a job nests 4 at most)' }]);
});

test('brackets inside quoted strings, comments and block scalars are not nesting', (t) => {
  const text = `${head}# ${'['.repeat(40)}\nenv:\n  A: "${'{'.repeat(40)}"\n  B: '${'['.repeat(40)}'\n  C: |\n    ${'[{'.repeat(40)}\n`;
  const result = parseJobFile('jobs/brackets.yaml', text);
  t.true(result.ok, JSON.stringify(!result.ok && result.errors));
});

test('a 600 KB anchor with 99 aliases is refused at the alias that expands it past --max-file-bytes, not built into 60 MB', (t) => {
  const text = `${head}env:\n  A: &big "${'x'.repeat(600_000)}"\n${Array.from({ length: 99 }, (_, i) => `  B${i}: *big\n`).join('')}`;
  t.deepEqual(errorsOf('jobs/fan.yaml', text), [{
    file: 'jobs/fan.yaml', line: 6,
    message: "the file's value is over 1048576 bytes once its YAML aliases are expanded (*big alone is 600002): over the limit for a job file (--max-file-bytes)",
  }]);
});

test('nested aliases (billion laughs) are measured, not expanded: refused at the alias past the limit', (t) => {
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
  const text = `${head}metadata:\n${levels.map((l) => `  ${l}\n`).join('')}`;
  const errors = errorsOf('jobs/lol.yaml', text);
  t.is(errors.length, 1);
  t.is(errors[0].line, 10, 'f: the first line whose aliases (of e, about 430 KB each) pass 1 MiB');
  t.regex(errors[0].message, /^the file's value is over 1048576 bytes once its YAML aliases are expanded \(\*e alone is \d+\)/);
});

test('an alias that puts its anchor below 32 levels is refused as too deep', (t) => {
  const nest = (n: number) => `${'['.repeat(n)}1${']'.repeat(n)}`;
  const text = `${head}metadata:\n  a: &deep ${nest(20)}\n  b: ${'['.repeat(20)}*deep${']'.repeat(20)}\n`;
  t.deepEqual(errorsOf('jobs/alias-deep.yaml', text), [{ file: 'jobs/alias-deep.yaml', line: 6, message: 'nested more than 32 levels deep (a job nests 4 at most) once *deep is expanded' }]);
});

test('ordinary aliases still work', (t) => {
  const text = `${head}env: &env\n  A: "1"\nports:\n  http: &port { internalPort: 80 }\n  admin: *port\n`;
  const result = parseJobFile('jobs/alias.yaml', text);
  if (!result.ok) return t.fail(JSON.stringify(result.errors));
  t.deepEqual(result.job.spec.ports, { http: { internalPort: 80 }, admin: { internalPort: 80 } });
});

test('env.__proto__ and constructor.prototype are this file\'s errors at their lines (the master refuses a body holding them)', (t) => {
  t.deepEqual(errorsOf('jobs/proto.yaml', `${head}env:\n  OK: "1"\n  __proto__: x\n`), [{
    file: 'jobs/proto.yaml', line: 6, message: 'env.__proto__: __proto__ is not allowed as a key (it could change how objects behave)',
  }]);
  t.deepEqual(errorsOf('jobs/ctor.json', `{\n  "name": "web", "version": "1", "image": "busybox:latest",\n  "metadata": {\n    "constructor": { "prototype": "x" }\n  }\n}\n`), [{
    file: 'jobs/ctor.json', line: 4, message: 'metadata.constructor: constructor is not allowed as a key (it could change how objects behave)',
  }]);
});

test('a job over --max-job-bytes as JSON is refused at its largest field, under the file limit', (t) => {
  const text = `${head}env:\n  BIG: "${'y'.repeat(300_000)}"\n`;
  t.deepEqual(errorsOf('jobs/big.yaml', text), [{
    file: 'jobs/big.yaml', line: 4,
    message: 'the job is 300070 bytes as JSON, over the 262144-byte limit for a job (--max-job-bytes); env is 300010 of them',
  }]);
  const raised = parseJobFile('jobs/big.yaml', text, { maxFileBytes: 1024 * 1024, maxJobBytes: 512 * 1024 });
  t.true(raised.ok, 'a raised --max-job-bytes takes it');
});

test('deploy.hosts past 10,000 names is this file\'s error (the master refuses the whole request past it)', (t) => {
  const hosts = Array.from({ length: 10_001 }, (_, i) => `h${i}`);
  t.deepEqual(errorsOf('jobs/many.yaml', `${head}deploy:\n  hosts: ${JSON.stringify(hosts)}\n`),
    [{ file: 'jobs/many.yaml', line: 5, message: 'deploy.hosts: 10001 hosts, over the limit of 10000 for one job file' }]);
});
