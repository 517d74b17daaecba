import test from 'ava';
import { parseJobFile } from './parseJobFile.js';

const errorsOf = (file: string, text: string) => {
  const result = parseJobFile(file, text);
  if (result.ok) throw new Error(`expected errors, got a job: ${JSON.stringify(result.job)}`);
  return result.errors;
};

const web = `# the web job
name: web
version: "1"
image: busybox:latest
command: ["httpd", "-f", "-p", "8080"]
env:
  GREETING: hello
ports:
  http:
    internalPort: 8080
    externalPort: 18080
deploy:
  hosts: [agent-1, agent-1, agent-2]
  goal: STOP
`;

test('a valid YAML job file gives its spec, hosts, goal and the line of every top-level key', (t) => {
  const result = parseJobFile('jobs/web.yaml', web);
  if (!result.ok) return t.fail(JSON.stringify(result.errors));
  const { spec, hosts, goal, lines } = result.job;
  t.deepEqual(spec, {
    name: 'web', version: '1', image: 'busybox:latest', command: ['httpd', '-f', '-p', '8080'],
    env: { GREETING: 'hello' }, ports: { http: { internalPort: 8080, externalPort: 18080 } },
  });
  t.deepEqual(hosts, ['agent-1', 'agent-2']);
  t.is(goal, 'STOP');
  t.deepEqual(lines, { name: 2, version: 3, image: 4, command: 5, env: 6, ports: 8, deploy: 12 });
});

test('deploy is optional: no hosts and goal START', (t) => {
  const result = parseJobFile('jobs/a.yml', 'name: a\nversion: "2"\nimage: busybox:latest\n');
  if (!result.ok) return t.fail(JSON.stringify(result.errors));
  t.deepEqual(result.job.hosts, []);
  t.is(result.job.goal, 'START');
});

test('a YAML syntax error names the line it is on', (t) => {
  const errors = errorsOf('jobs/bad.yaml', 'name: web\nversion: "1"\nimage: busybox:latest\nenv:\n  A: [unclosed\n  B: x\n');
  t.true(errors.length >= 1);
  t.is(errors[0].file, 'jobs/bad.yaml');
  t.true((errors[0].line ?? 0) >= 5, `line ${errors[0].line}`);
});

test('a bad indentation error points at line 3', (t) => {
  const errors = errorsOf('jobs/bad.yaml', 'name: web\nversion: "1"\n  image: busybox:latest\n');
  t.is(errors[0].line, 3);
});

test('a string internalPort is reported at the nested internalPort line', (t) => {
  const text = 'name: web\nversion: "1"\nimage: busybox:latest\nports:\n  http:\n    internalPort: "eighty"\n';
  const errors = errorsOf('jobs/web.yaml', text);
  t.is(errors.length, 1);
  t.is(errors[0].line, 6);
  t.regex(errors[0].message, /^ports\.http\.internalPort: must be an integer, got the string/);
});

test('a missing required field points at the closest existing key, the top for a missing image', (t) => {
  const errors = errorsOf('jobs/web.yaml', 'name: web\nversion: "1"\nports:\n  http:\n    externalPort: 1\n');
  const byMessage = Object.fromEntries(errors.map((e) => [e.message, e.line]));
  t.is(byMessage['image: is required'], 1);
  t.is(byMessage['ports.http.internalPort: is required'], 4);
});

test('a numeric version gets a hint to quote it', (t) => {
  const errors = errorsOf('jobs/web.yaml', 'name: web\nversion: 1.0\nimage: busybox:latest\n');
  t.deepEqual(errors, [{ file: 'jobs/web.yaml', line: 2, message: 'version: must be a string, got 1 (quote it: "1")' }]);
});

test('errors in the deploy block carry its lines', (t) => {
  const errors = errorsOf('jobs/web.yaml', 'name: web\nversion: "1"\nimage: busybox:latest\ndeploy:\n  hosts: agent-1\n  goal: RUN\n');
  t.deepEqual(errors.map((e) => e.line), [5, 6]);
});

test('an id field is refused with the line of the key', (t) => {
  const errors = errorsOf('jobs/web.yaml', 'name: web\nversion: "1"\nid: web:1\nimage: busybox:latest\n');
  t.deepEqual(errors.map((e) => [e.line, e.message.split(':')[0]]), [[3, 'id']]);
});

test('duplicate keys are a YAML error with the line of the second key', (t) => {
  const errors = errorsOf('jobs/web.yaml', 'name: web\nversion: "1"\nimage: busybox:latest\nname: other\n');
  t.is(errors[0].line, 4);
  t.regex(errors[0].message, /unique/i);
});

test('an empty file and a list are refused', (t) => {
  t.deepEqual(errorsOf('jobs/e.yaml', ''), [{ file: 'jobs/e.yaml', line: 1, message: 'the file is empty: expected one job (name, version, image, …)' }]);
  t.is(errorsOf('jobs/l.yaml', '- a\n- b\n')[0].line, 1);
});

test('several documents in one file are refused', (t) => {
  const errors = errorsOf('jobs/two.yaml', 'name: a\nversion: "1"\nimage: x\n---\nname: b\nversion: "1"\nimage: x\n');
  t.is(errors[0].line, 4);
});

test('a JSON job file is read, and its field errors have lines too', (t) => {
  const ok = parseJobFile('jobs/api.json', '{\n  "name": "api",\n  "version": "1",\n  "image": "busybox:latest",\n  "deploy": {"hosts": ["h"]}\n}\n');
  if (!ok.ok) return t.fail(JSON.stringify(ok.errors));
  t.deepEqual(ok.job.lines, { name: 2, version: 3, image: 4, deploy: 5 });
  t.deepEqual(ok.job.hosts, ['h']);
  const bad = errorsOf('jobs/api.json', '{\n  "name": "api",\n  "version": "1",\n  "image": "busybox:latest",\n  "ports": {\n    "http": {\n      "internalPort": "80"\n    }\n  }\n}\n');
  t.deepEqual(bad.map((e) => e.line), [7]);
});

test('a JSON syntax error names its line', (t) => {
  const errors = errorsOf('jobs/api.json', '{\n  "name": "api",\n  "version": "1"\n  "image": "busybox:latest"\n}\n');
  t.is(errors.length, 1);
  t.is(errors[0].line, 4);
  t.regex(errors[0].message, /^invalid JSON/);
});

test('env and volume keys with dots and slashes still find their line', (t) => {
  const text = 'name: web\nversion: "1"\nimage: busybox:latest\nenv:\n  a.b.c: 1\nvolumes:\n  /data/x:ro: 7\n';
  const errors = errorsOf('jobs/web.yaml', text);
  t.deepEqual(errors.map((e) => e.line), [5, 7]);
});

test('an unknown field refuses the file with its line and the field it most likely meant', (t) => {
  const text = 'name: web\nversion: "1"\nimage: busybox:latest\ncomand: ["httpd", "-f"]\nreplicas: 3\n';
  t.deepEqual(errorsOf('jobs/web.yaml', text), [
    { file: 'jobs/web.yaml', line: 4, message: 'comand: unknown field; did you mean command?' },
    { file: 'jobs/web.yaml', line: 5, message: 'replicas: unknown field' },
  ]);
});

test('a nested unknown field is refused at its own line: ports, health check, resources', (t) => {
  const text = [
    'name: web', 'version: "1"', 'image: busybox:latest',
    'ports:', '  http:', '    internalPrt: 8080', 'healthCheck:', '  type: http', '  port: http', '  path: /', '  intervl: 5',
    'resources: { memroy: 1 }',
  ].join('\n') + '\n';
  t.deepEqual(errorsOf('jobs/web.yaml', text), [
    { file: 'jobs/web.yaml', line: 5, message: 'ports.http.internalPort: is required' },
    { file: 'jobs/web.yaml', line: 6, message: 'ports.http.internalPrt: unknown field; did you mean internalPort?' },
    { file: 'jobs/web.yaml', line: 11, message: 'healthCheck.intervl: unknown field' },
    { file: 'jobs/web.yaml', line: 12, message: 'resources.memroy: unknown field; did you mean memory?' },
  ]);
});

test('an unknown field of a JSON job file has its line too', (t) => {
  const text = '{\n  "name": "api",\n  "version": "1",\n  "image": "busybox:latest",\n  "ports": { "http": { "internalPort": 80, "protcol": "tcp" } }\n}\n';
  t.deepEqual(errorsOf('jobs/api.json', text), [{ file: 'jobs/api.json', line: 5, message: 'ports.http.protcol: unknown field; did you mean protocol?' }]);
});

test('a mistyped deploy key gets a did-you-mean', (t) => {
  t.deepEqual(errorsOf('jobs/a.yaml', 'name: a\nversion: "1"\nimage: x\ndeploy:\n  host: [h]\n'),
    [{ file: 'jobs/a.yaml', line: 5, message: 'deploy.host: unknown field; did you mean hosts?' }]);
  t.deepEqual(errorsOf('jobs/a.yaml', 'name: a\nversion: "1"\nimage: x\ndeplyo:\n  hosts: [h]\n'),
    [{ file: 'jobs/a.yaml', line: 4, message: 'deplyo: unknown field; did you mean deploy?' }]);
});

test('the yaml-language-server comment, the deploy block and a $schema key are not unknown fields', (t) => {
  const yaml = parseJobFile('jobs/hello.yaml', '# yaml-language-server: $schema=../core/schema/job.schema.json\nname: a\nversion: "1"\nimage: x\ndeploy:\n  hosts: [h]\n  goal: STOP\n');
  if (!yaml.ok) return t.fail(JSON.stringify(yaml.errors));
  t.deepEqual(yaml.job.spec, { name: 'a', version: '1', image: 'x' });
  const json = parseJobFile('jobs/a.json', '{ "$schema": "../core/schema/job.schema.json", "name": "a", "version": "1", "image": "x" }');
  if (!json.ok) return t.fail(JSON.stringify(json.errors));
  t.deepEqual(json.job.spec, { name: 'a', version: '1', image: 'x' });
  t.deepEqual(errorsOf('jobs/a.json', '{ "$schema": 1, "name": "a", "version": "1", "image": "x" }'),
    [{ file: 'jobs/a.json', line: 1, message: "$schema: must be the JSON Schema's path or URL (a string)" }]);
});

test('deploy.group: the group, its selectors parsed and the rollout options; no hosts', (t) => {
  const result = parseJobFile('jobs/web.yaml', 'name: web\nversion: "2"\nimage: busybox:latest\ndeploy:\n  group: web\n  selector: [role=web, "zone in (a, b)"]\n'
    + '  rollout: {parallelism: 2, autoRevert: true}\n');
  if (!result.ok) return t.fail(JSON.stringify(result.errors));
  t.deepEqual(result.job.hosts, []);
  t.deepEqual(result.job.group, {
    name: 'web',
    hostSelectors: [{ label: 'role', operator: 'EQUALS', operand: 'web' }, { label: 'zone', operator: 'IN', operand: ['a', 'b'] }],
    rolloutOptions: { parallelism: 2, autoRevert: true },
  });
});

test('deploy.group mistakes are errors at their own line: hosts beside it, a bad selector, a rollout typo or range, selector without group', (t) => {
  const errors = errorsOf('jobs/web.yaml', 'name: web\nversion: "2"\nimage: busybox:latest\ndeploy:\n  group: web\n  hosts: [h1]\n  selector: ["role=="]\n'
    + '  rollout:\n    paralelism: 2\n    timeout: 0\n    autoRevert: "yes"\n');
  t.deepEqual(errors.map((e) => `${e.line}: ${e.message}`), [
    "6: deploy.hosts: give hosts or group, not both: the group's hosts are those its selectors match",
    '7: deploy.selector.0: invalid host selector "role==": expected "label = value", "label != value", "label in (a, b)" or "label notin (a, b)"; labels and values may contain letters, digits, ".", "_" and "-"',
    '9: deploy.rollout.paralelism: unknown field; did you mean parallelism?',
    '11: deploy.rollout.autoRevert: must be true or false',
  ]);
  const range = errorsOf('jobs/web.yaml', 'name: web\nversion: "2"\nimage: busybox:latest\ndeploy:\n  group: web\n  rollout:\n    timeout: 0\n');
  t.is(range.length, 1);
  t.is(range[0].line, 7);
  t.regex(range[0].message, /^deploy\.rollout\.timeout: /);
  const orphan = errorsOf('jobs/web.yaml', 'name: web\nversion: "2"\nimage: busybox:latest\ndeploy:\n  selector: [role=web]\n');
  t.deepEqual(orphan.map((e) => `${e.line}: ${e.message}`), ['5: deploy.selector: needs deploy.group (the deployment group it is for)']);
});
