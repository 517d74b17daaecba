/**
 * `helios run FILE.mjs` against a real master: the script gets the helios API (on the command line's
 * master), zx's globals and its own arguments; its outcome follows the CLI's conventions (exit code,
 * one error line, --json). The examples' effects on real agents are test/zx.examples.test.ts's.
 */
import test, { type ExecutionContext } from 'ava';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startMasterFor } from './harness/agent.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { tempDir } from './harness/processes.js';
import { CLI_BIN, ensureCliBuilt, helios } from './cliHarness.js';

async function script(t: ExecutionContext, text: string): Promise<string> {
  const dir = await tempDir('helios-run-');
  t.teardown(dir.cleanup);
  const path = join(dir.path, 'script.mjs');
  await writeFile(path, text);
  return path;
}

test('the script gets helios on the master of -z, zx globals, and every word after FILE as argv', async (t) => {
  const master = await startMasterFor(t);
  const file = await script(t, [
    "const { id } = await helios.create({ name: 'scripted', version: '1', image: 'busybox:latest' });",
    'const out = await $`echo ${id}`;',
    "await helios.register('web9', 'agent-9');",
    "const registered = Object.keys(await helios.hosts());",
    "await helios.deregister('web9');",
    'const actions = (await helios.audit({ job: id })).map((e) => e.action);',
    'const facts = { version: await helios.version(), masters: await helios.masters(), role: (await helios.whoami()).role };',
    'echo(JSON.stringify({ id: out.stdout.trim(), argv, dryRun: helios.dryRun, jobs: Object.keys(await helios.jobs("scripted")), registered, actions, facts }));',
  ].join('\n'));
  const r = await helios(null, ['-z', master.url, 'run', file, 'web1', '--timeout', '5s', '-v']);
  t.is(r.code, 0, r.stderr);
  const said = JSON.parse(r.lastLine) as { id: string; argv: unknown; dryRun: boolean; jobs: string[]; registered: string[]; actions: string[]; facts: Record<string, unknown> };
  t.regex(said.id, /^scripted:1:[0-9a-f]{40}$/);
  t.deepEqual(said.argv, { _: ['web1'], timeout: '5s', v: true });
  t.false(said.dryRun);
  t.deepEqual(said.jobs, [said.id]);
  t.deepEqual(Object.keys(await master.client.jobs.list()), [said.id]);
  t.deepEqual(said.registered, ['web9']);
  t.deepEqual(await master.client.hosts.list(), [], 'deregistered');
  t.deepEqual(said.actions, ['create']);
  t.like(said.facts, { version: await master.client.version(), masters: await master.client.masters() });
});

test("a HeliosError the script does not catch is the CLI's one line and exit code; --json gives its status", async (t) => {
  const master = await startMasterFor(t);
  const file = await script(t, "await helios.deploy('nosuchjob', 'web1');\n");
  const r = await helios(master, ['run', file]);
  t.is(r.code, 1);
  t.regex(r.stderr, /^helios: Unknown job: nosuchjob[^\n]*\n$/);
  const json = await helios(master, ['run', '--json', file]);
  t.like(json.json(), { status: 'UNKNOWN_JOB' });
});

test('anything else is SCRIPT_FAILED at the line that threw, without a stack; a failed $ names its exit code', async (t) => {
  const master = await startMasterFor(t);
  const bug = await script(t, 'const x = 1;\nnull.foo(x);\n');
  const r = await helios(master, ['run', bug]);
  t.is(r.code, 1);
  t.is(r.stderr, `helios: ${bug}:2: TypeError: Cannot read properties of null (reading 'foo')\n`);
  const verbose = await helios(master, ['run', bug, '-v'], {});
  t.is(verbose.stderr, r.stderr, 'words after FILE are the script\'s, -v too');
  const withStack = await helios(master, ['-v', 'run', bug]);
  t.regex(withStack.stderr, /caused by: TypeError: .*\n\s+at /);

  const failing = await script(t, 'await $`sh -c "echo no such image >&2; exit 3"`;\n');
  const cmd = await helios(master, ['run', failing]);
  t.is(cmd.code, 1);
  t.regex(cmd.stderr, new RegExp(`helios: ${failing}: a command failed \\(exit code 3\\): no such image\n$`));

  const floating = await script(t, "Promise.reject(new Error('left unawaited'));\nawait sleep(1000);\n");
  const unawaited = await helios(master, ['run', floating]);
  t.is(unawaited.code, 1);
  t.is(unawaited.stderr, `helios: ${floating}:1: Error: left unawaited\n`);
});

test("the exit code is the script's process.exitCode; a missing FILE is refused in one line", async (t) => {
  const master = await startMasterFor(t);
  t.is((await helios(master, ['run', await script(t, 'process.exitCode = 4;\n')])).code, 4);
  const missing = await helios(master, ['run', 'nope.mjs']);
  t.is(missing.code, 1);
  t.is(missing.stderr, 'helios: cannot read script nope.mjs: no such file\n');
  const help = await helios(master, ['--help']);
  t.regex(help.stdout, /\n {2}run +run a zx deploy script with the helios API preloaded/);
});

test('helios --help imports no package (zx above all); helios run imports zx', async (t) => {
  await ensureCliBuilt();
  const dir = await tempDir('helios-imports-');
  t.teardown(dir.cleanup);
  // A module resolve hook that names every file of node_modules the process imports.
  const hook = join(dir.path, 'hook.mjs');
  await writeFile(hook, "export async function resolve(s, c, next) { const r = await next(s, c); if (r.url.includes('/node_modules/')) process.stderr.write(`imported ${r.url}\\n`); return r; }\n");
  const register = join(dir.path, 'register.mjs');
  await writeFile(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`);
  const imports = async (args: string[]) => {
    const { stderr } = await promisify(execFile)(process.execPath, ['--import', register, CLI_BIN, ...args], { env: { ...process.env, NO_COLOR: '1', HELIOS_MASTER: 'http://127.0.0.1:9' } });
    return stderr.split('\n').filter((line) => line.startsWith('imported '));
  };
  t.deepEqual(await imports(['--help']), []);
  const empty = await script(t, '');
  t.true((await imports(['run', empty])).some((line) => /\/zx\/build\/globals\.js$/.test(line)));
});
