/**
 * `helios exec` on the real Docker engine through a real master and agent, and what the agent's
 * channel means for the host: the agent process listens on no TCP port.
 */
import test from 'ava';
import { execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { CLI_BIN, ensureCliBuilt, helios } from './cliHarness.js';
import { deployJob, removeAgentContainers, spawnAgentProcess, startMasterFor, startTestAgent, uniqueName, waitForState, withAgentLog } from './harness/agent.js';
import { tempDir, waitFor } from './harness/processes.js';
import { ROLE_TOKENS } from './harness/roleTokens.js';

const sleeper = { name: 'shell', command: ['sh', '-c', 'exec sleep 1000'] };

test.before(ensureCliBuilt);

test('exec passes the command\'s stdout, stderr and exit code through; -i its stdin', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master);
  const jobId = await deployJob(master, agent.name, sleeper);
  await waitForState(master, jobId, agent.name, 'RUNNING');
  const r = await helios(master, ['exec', 'shell', agent.name, '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
  t.is(r.code, 3);
  t.is(r.stdout, 'out\n');
  t.is(r.stderr, 'err\n');
  const ok = await helios(master, ['exec', 'shell', agent.name, '--', 'true']);
  t.is(ok.code, 0, ok.stderr);
  const piped = await helios(master, ['exec', '-i', 'shell', agent.name, '--', 'sh', '-c', 'tr a-z A-Z; echo done'], { input: 'hello\nworld\n' });
  t.is(piped.code, 0, piped.stderr);
  t.is(piped.stdout, 'HELLO\nWORLD\ndone\n');
  const missing = await helios(master, ['exec', 'shell', 'no-such-host', '--', 'true']);
  t.is(missing.code, 1);
  t.regex(missing.stderr, /not deployed on host no-such-host/);
});

test('exec -it gives the command a terminal of this one\'s size and passes keys raw, under a pseudo terminal (script)', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master);
  const jobId = await deployJob(master, agent.name, sleeper);
  await waitForState(master, jobId, agent.name, 'RUNNING');
  const inner = `stty cols 91 rows 37; exec ${process.execPath} ${CLI_BIN} exec -it shell ${agent.name} -- sh -c 'sleep 1; tty; stty size; read line; echo got:$line; exit 7'`;
  // script gives the command a pseudo terminal; its own stdin stays open for the keys typed. The command
  // waits a second: before Docker 23 (API 1.42, ConsoleSize) a tty is sized by a resize after the start,
  // which a command run at once can beat (the docker CLI has the same race on such engines).
  const run = spawn('script', ['-qec', inner, '/dev/null'], { env: { ...process.env, HELIOS_MASTER: master.url, HELIOS_TOKEN: '' }, stdio: ['pipe', 'pipe', 'pipe'] });
  t.teardown(() => run.kill('SIGKILL'));
  let out = '';
  let scriptErrors = '';
  // What is asserted is the terminal, not its speed: a loaded engine may take long to start an exec.
  // The message is made at the timeout, with what the terminal showed by then.
  const seen = (pattern: RegExp) => waitFor(() => pattern.test(out), { timeoutMs: 60_000, message: `${pattern} on the terminal` })
    .catch((err: Error) => { throw new Error(`${err.message}; it showed ${JSON.stringify(out)}; script's stderr: ${JSON.stringify(scriptErrors)}`); });
  run.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; });
  run.stderr.setEncoding('utf8').on('data', (chunk: string) => { scriptErrors += chunk; });
  const exited = new Promise<number | null>((resolve) => run.once('exit', resolve));
  await withAgentLog(agent, async () => {
    await seen(/37 91/);
    t.regex(out, /\/dev\/pts\/\d+/);
    run.stdin.write('abc\r');
    await seen(/got:abc/);
  });
  t.is(await exited, 7);
});

test('exec -it follows the terminal\'s resizes: a tmux window made smaller is the command\'s new size', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master);
  const jobId = await deployJob(master, agent.name, sleeper);
  await waitForState(master, jobId, agent.name, 'RUNNING');
  const server = `helios-test-${process.pid}-${agent.name}`;
  const tmux = (...args: string[]) => new Promise<string>((resolve, reject) => execFile('tmux', ['-L', server, ...args], (err, out) => (err ? reject(err) : resolve(out))));
  t.teardown(() => tmux('kill-server').catch(() => {}));
  const inner = `HELIOS_MASTER=${master.url} HELIOS_TOKEN= ${process.execPath} ${CLI_BIN} exec -it shell ${agent.name} -- sh -c 'sleep 1; stty size; while read x; do stty size; done'`;
  await tmux('new-session', '-d', '-s', 'exec', '-x', '100', '-y', '30', inner);
  await tmux('set-option', '-t', 'exec', 'remain-on-exit', 'on');
  let shown = '';
  // Each wait may first act (a key for the command to print its size again), then reads the screen.
  const screen = (pattern: RegExp, act: () => Promise<unknown> = async () => {}) => withAgentLog(agent, () =>
    waitFor(async () => { await act(); return pattern.test(shown = await tmux('capture-pane', '-p', '-t', 'exec')); }, { timeoutMs: 20_000, intervalMs: 250, message: `${pattern} on the tmux screen` })
      .catch((err: Error) => { throw new Error(`${err.message}; the screen: ${JSON.stringify(shown)}`); }));
  await screen(/^30 100$/m);
  await tmux('resize-window', '-t', 'exec', '-x', '60', '-y', '20');
  // The resize travels CLI → master → agent → engine while the command waits for a key: each Enter
  // has it print its size again, until the new one shows.
  await screen(/^20 60$/m, () => tmux('send-keys', '-t', 'exec', 'Enter'));
  t.pass();
});

test('a read token may not exec (FORBIDDEN naming role exec); an exec token may, and the exec is audited', async (t) => {
  const master = await startMasterFor(t, { tokens: ROLE_TOKENS });
  const agent = await startTestAgent(t, master, { token: 'agent-token-0123456789' });
  const jobId = await deployJob(master, agent.name, sleeper);
  await waitForState(master, jobId, agent.name, 'RUNNING');
  for (const token of ['read-token-0123456789', 'deploy-token-0123456789']) {
    const refused = await helios(master, ['exec', 'shell', agent.name, '--', 'id'], { env: { HELIOS_TOKEN: token } });
    t.is(refused.code, 1);
    t.regex(refused.stderr, /may not GET \/jobs\/:id\/exec: it needs role exec or admin/);
  }
  const r = await helios(master, ['exec', 'shell', agent.name, '--', 'echo', 'hi'], { env: { HELIOS_TOKEN: 'exec-token-0123456789' } });
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, 'hi\n');
  const { events } = await master.clientWith({ token: 'admin-token-0123456789' }).audit({ job: jobId });
  const execs = events.filter((e) => e.action === 'exec');
  t.is(execs.length, 1);
  t.like(execs[0], { token: 'oncall', host: agent.name, jobId, detail: { command: ['echo', 'hi'], tty: false, stdin: false } });
  // The exec role reads as read does, and deploys nothing.
  const logs = await helios(master, ['logs', 'shell'], { env: { HELIOS_TOKEN: 'exec-token-0123456789' } });
  t.is(logs.code, 0, logs.stderr);
  const deploy = await helios(master, ['undeploy', 'shell', agent.name, '--yes'], { env: { HELIOS_TOKEN: 'exec-token-0123456789' } });
  t.is(deploy.code, 1);
});

/** Inodes of the process's sockets, and of the sockets of its network namespace listening on TCP. */
function socketInodes(pid: number): { own: Set<string>; listening: Set<string>; established: Set<string> } {
  const own = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) own.add(m[1]);
    } catch { /* closed meanwhile */ }
  }
  const listening = new Set<string>();
  const established = new Set<string>();
  for (const table of ['tcp', 'tcp6']) {
    for (const line of readFileSync(`/proc/${pid}/net/${table}`, 'utf8').trim().split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[3] === '0A') listening.add(fields[9]);
      if (fields[3] === '01') established.add(fields[9]);
    }
  }
  return { own, listening, established };
}

test('the agent process listens on no TCP port: it dials its master, channel included', async (t) => {
  const master = await startMasterFor(t);
  const state = await tempDir('helios-agent-');
  const name = uniqueName('noport');
  const agent = spawnAgentProcess({ master: master.url, name, stateDir: state.path });
  t.teardown(async () => { await agent.kill('SIGKILL'); await removeAgentContainers(name); await state.cleanup(); });
  const jobId = await waitFor(async () => ((await master.client.hosts.list()).includes(name) ? deployJob(master, name, sleeper) : undefined), { timeoutMs: 20_000 });
  await waitForState(master, jobId, name, 'RUNNING');
  // Its channel is open (it dials it once registered): exec works through it.
  await waitFor(async () => (await helios(master, ['exec', 'shell', name, '--', 'echo', 'through-the-channel'])).stdout === 'through-the-channel\n',
    { timeoutMs: 20_000, message: 'an exec through the agent process' });
  const sockets = socketInodes(agent.pid!);
  t.deepEqual([...sockets.own].filter((inode) => sockets.listening.has(inode)), []);
  // The check sees the agent's own connections (to the master), so it would see a listener too.
  t.true([...sockets.own].some((inode) => sockets.established.has(inode)));
});
