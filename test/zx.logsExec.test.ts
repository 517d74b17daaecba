/**
 * helios/zx's `logs` and `exec` on the real Docker engine, through a real master and agent: a script
 * under `helios run` reads a container's known lines, follows a new one, and runs commands (input, a
 * non-zero exit); refusals are the CLI's typed errors; a dry run's exec runs nothing and is not audited.
 */
import test, { type ExecutionContext } from 'ava';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect, isHeliosError, type Helios, type LogRecord } from '../cli/zx/index.js';
import { deployJob, startMasterFor, startTestAgent, waitForState } from './harness/agent.js';
import { tempDir, waitFor } from './harness/processes.js';
import { ROLE_TOKENS } from './harness/roleTokens.js';
import { ensureCliBuilt, helios } from './cliHarness.js';

const printer = { name: 'printer', command: ['sh', '-c', 'for i in 1 2 3 4 5 6; do echo n$i; done; exec sleep 1000'] };

test.before(ensureCliBuilt);

async function script(t: ExecutionContext, lines: string[]): Promise<string> {
  const dir = await tempDir('helios-zx-logs-');
  t.teardown(dir.cleanup);
  const path = join(dir.path, 'script.mjs');
  await writeFile(path, lines.join('\n'));
  return path;
}

/** Connected as a Node program would be, with an empty home (no ~/.helios/config of this machine). */
async function connected(t: ExecutionContext, master: { url: string }, token?: string): Promise<Helios> {
  const home = await tempDir('helios-zx-home-');
  t.teardown(home.cleanup);
  return connect({ master: master.url, token, env: { HOME: home.path } });
}

/** Until the container's last known line is in its logs (the agent reports RUNNING as it starts). */
async function printed(h: Helios, job: string, line: string): Promise<void> {
  await waitFor(async () => {
    for await (const r of h.logs(job, { tail: 1 })) if ('line' in r && r.line === line) return true;
    return undefined;
  }, { timeoutMs: 20_000, message: `${line} in the logs of ${job}` });
}

test('a helios run script reads the last lines, follows a new one, and execs with input and a non-zero exit', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master);
  const jobId = await deployJob(master, agent.name, printer);
  await waitForState(master, jobId, agent.name, 'RUNNING');
  await printed(await connected(t, master), jobId, 'n6');
  const file = await script(t, [
    'const [job, host] = argv._;',
    'const tail = [];',
    'for await (const r of helios.logs(job, { tail: 3 })) tail.push(r);',
    // Once the followed stream has given n6, the container prints a new line; a break ends the request
    // (left open, its socket would keep this process, and so the run, from ending).
    'const followed = [];',
    'for await (const r of helios.logs(job, { hosts: host, follow: true, tail: 1 })) {',
    "  if (!('line' in r)) continue;",
    '  followed.push(r.line);',
    "  if (r.line === 'n6') await helios.exec(job, host, ['sh', '-c', 'echo fresh > /proc/1/fd/1']);",
    "  if (r.line === 'fresh') break;",
    '}',
    "const piped = await helios.exec(job, host, ['sh', '-c', 'tr a-z A-Z; echo err >&2; exit 3'], { input: 'hello\\nwörld\\n' });",
    "const ok = await helios.exec(job, host, ['true']);",
    // A host with no agent is an event of its own; the other host's line and end still come.
    "const ghost = [];",
    "for await (const r of helios.logs(job, { hosts: [host, 'ghost'], tail: 1, stream: 'stdout' })) ghost.push(r);",
    'const started = Date.now();',
    'let quiet = 0;',
    "for await (const r of helios.logs(job, { follow: true, tail: 0, signal: AbortSignal.timeout(500) })) if ('line' in r) quiet++;",
    'echo(JSON.stringify({ tail, followed, piped, ok, ghost, quiet, aborted: Date.now() - started >= 500 }));',
  ]);
  const r = await helios(master, ['run', file, jobId, agent.name], { timeoutMs: 90_000 });
  t.is(r.code, 0, r.stderr);
  const said = JSON.parse(r.lastLine) as {
    tail: LogRecord[]; followed: string[]; piped: unknown; ok: unknown; ghost: LogRecord[]; quiet: number; aborted: boolean;
  };
  const lines = (records: LogRecord[]) => records.flatMap((rec) => ('line' in rec ? [rec.line] : []));
  t.deepEqual(lines(said.tail), ['n4', 'n5', 'n6']);
  t.like(said.tail.find((rec) => 'line' in rec), { host: agent.name, stream: 'stdout' });
  t.regex((said.tail.find((rec) => 'line' in rec) as { time: string }).time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  t.like(said.tail.at(-1), { host: agent.name, event: 'end' });
  t.deepEqual(said.followed, ['n6', 'fresh']);
  t.deepEqual(said.piped, { exitCode: 3, stdout: 'HELLO\nWöRLD\n', stderr: 'err\n', ok: false });
  t.deepEqual(said.ok, { exitCode: 0, stdout: '', stderr: '', ok: true });
  t.deepEqual(lines(said.ghost), ['fresh']);
  t.like(said.ghost.find((rec) => rec.host === 'ghost'), { event: 'error', code: 'AGENT_NOT_CONNECTED' });
  t.like(said.ghost.find((rec) => rec.host === agent.name && 'event' in rec && rec.event !== 'container'), { event: 'end' });
  t.is(said.quiet, 0);
  t.true(said.aborted);
});

test('exec refusals are the typed HeliosErrors; a dry run prints the exec, runs nothing and audits nothing', async (t) => {
  const master = await startMasterFor(t, { tokens: ROLE_TOKENS });
  const agent = await startTestAgent(t, master, { token: 'agent-token-0123456789' });
  const jobId = await deployJob(master, agent.name, printer);
  await waitForState(master, jobId, agent.name, 'RUNNING');

  const reader = await connected(t, master, 'read-token-0123456789');
  const refused = await t.throwsAsync(reader.exec(jobId, agent.name, ['id']));
  t.true(isHeliosError(refused, 'FORBIDDEN'), String(refused));
  t.regex(refused!.message, /may not GET \/jobs\/:id\/exec: it needs role exec or admin/);
  // A read token still reads the logs.
  await printed(reader, jobId, 'n6');
  const oncall = await connected(t, master, 'exec-token-0123456789');
  const elsewhere = await t.throwsAsync(oncall.exec(jobId, 'no-such-host', ['id']));
  t.true(isHeliosError(elsewhere, 'JOB_NOT_DEPLOYED'), String(elsewhere));
  const unknown = await t.throwsAsync(oncall.exec('nosuchjob', agent.name, ['id']));
  t.true(isHeliosError(unknown), String(unknown));
  await t.throwsAsync(oncall.exec(jobId, agent.name, [] as string[]), { message: /exec: the command is an array of its words/ });

  const file = await script(t, [
    "const r = await helios.exec(argv._[0], argv._[1], ['sh', '-c', 'touch /tmp/ran'], { input: 'x' });",
    'echo(JSON.stringify(r));',
  ]);
  const dry = await helios(master, ['run', '--dry-run', file, jobId, agent.name], { env: { HELIOS_TOKEN: 'exec-token-0123456789' } });
  t.is(dry.code, 0, dry.stderr);
  t.is(dry.stderr, `dry run: exec ["sh","-c","touch /tmp/ran"] in ${jobId} on ${agent.name} with 1 bytes of input\n`);
  t.deepEqual(JSON.parse(dry.lastLine), { exitCode: 0, stdout: '', stderr: '', ok: true });
  const admin = master.clientWith({ token: 'admin-token-0123456789' });
  t.deepEqual((await admin.audit({ job: jobId })).events.filter((e) => e.action === 'exec'), []);
  // Not run: the file is not there (this exec, a real one, is audited).
  t.like(await oncall.exec(jobId, agent.name, ['test', '-e', '/tmp/ran']), { exitCode: 1, ok: false });
  t.is((await admin.audit({ job: jobId })).events.filter((e) => e.action === 'exec').length, 1);
  const typo = await helios(master, ['run', '--dry-run', file, jobId, 'no-such-host'], { env: { HELIOS_TOKEN: 'exec-token-0123456789' } });
  t.is(typo.code, 1);
  t.regex(typo.stderr, /no-such-host/);
});
