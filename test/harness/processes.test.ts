import test from 'ava';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { freePort, spawnProcess, tempDir, waitFor } from './processes.js';

test('spawnProcess collects output, waits for it, and reports the exit', async (t) => {
  const proc = spawnProcess('sh', ['-c', 'echo "ready on $PORT"; echo oops >&2; sleep 30'], { env: { PORT: '1234' } });
  const match = await proc.waitForOutput(/ready on (\d+)/);
  t.is(match[1], '1234');
  await proc.waitForOutput(/oops/);
  t.deepEqual(await proc.kill('SIGTERM'), { code: null, signal: 'SIGTERM' });
  t.is(proc.stderr, 'oops\n');
});

test('waitForOutput fails fast and clearly when the process exits first', async (t) => {
  const proc = spawnProcess('sh', ['-c', 'echo bye; exit 3']);
  await t.throwsAsync(proc.waitForOutput(/never/, 5_000), { message: /exited \(3\) before printing \/never\/[\s\S]*bye/ });
  t.is((await proc.exited).code, 3);
});

test('waitForOutput times out with the output so far', async (t) => {
  const proc = spawnProcess('sh', ['-c', 'echo partial; sleep 30']);
  t.teardown(() => proc.kill('SIGKILL'));
  await t.throwsAsync(proc.waitForOutput(/never/, 300), { message: /within 300 ms[\s\S]*partial/ });
});

test('a missing program resolves exited with 127', async (t) => {
  const proc = spawnProcess('definitely-not-a-program-here');
  t.is((await proc.exited).code, 127);
});

test('freePort gives a port that can be bound', async (t) => {
  const port = await freePort();
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  t.true(port > 0);
});

test('tempDir creates and removes a folder', async (t) => {
  const dir = await tempDir('harness-');
  t.true(existsSync(dir.path));
  await dir.cleanup();
  t.false(existsSync(dir.path));
});

test('waitFor returns the first truthy value and times out with the last one', async (t) => {
  let n = 0;
  t.is(await waitFor(() => (++n >= 3 ? n : 0), { intervalMs: 10 }), 3);
  const task: { state: string } = { state: 'PULLING' };
  await t.throwsAsync(waitFor(() => task.state === 'RUNNING' && task, { timeoutMs: 100, intervalMs: 10, message: 'job running' }),
    { message: 'job running not met within 100 ms; last value: false' });
  await t.throwsAsync(waitFor(() => { throw new Error('connection refused'); }, { timeoutMs: 50, intervalMs: 10 }),
    { message: /last error: connection refused/ });
});
