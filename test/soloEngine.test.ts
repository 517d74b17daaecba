/**
 * Where solo may not start a Docker engine of its own: run as an ordinary user (nobody) with no engine
 * answering, it exits 1 with the commands that get one running on this machine, and starts nothing.
 * (As root it starts a private dockerd: test/solo.test.ts.) The test process is root, as in CI, to
 * run solo as another user.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { chmod, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { noEngineAdvice } from '../cli/solo/engineAdvice.js';
import { machineFacts } from '../cli/solo/machineFacts.js';
import { createClient } from '../core/index.js';
import { CLI_BIN, ensureCliBuilt } from './cliHarness.js';
import { freePort, tempDir } from './harness/processes.js';

const NOBODY = 65534;

test('not root and no Docker engine: helios solo exits 1 with the commands for this OS, starting nothing', async (t) => {
  await ensureCliBuilt();
  const dir = await tempDir('helios-noroot-');
  t.teardown(dir.cleanup);
  await chmod(dir.path, 0o777);
  const dockerHost = `unix://${join(dir.path, 'docker.sock')}`;
  const port = await freePort();
  const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [CLI_BIN, 'solo', '--no-syncer', '--http', `127.0.0.1:${port}`, '--home', join(dir.path, 'home')], {
      uid: NOBODY, gid: NOBODY, timeout: 30_000,
      env: { PATH: process.env.PATH, HOME: dir.path, DOCKER_HOST: dockerHost, NO_COLOR: '1' },
    }, (err, stdout, stderr) => resolve({ code: err ? (err as { code?: number }).code ?? null : 0, stdout, stderr }));
  });

  t.is(run.code, 1);
  t.is(run.stdout, '', 'no summary: nothing runs');
  const lines = run.stderr.trimEnd().split('\n');
  t.is(lines[0], `no Docker engine answers at ${dockerHost} (connect ENOENT ${join(dir.path, 'docker.sock')})`);
  t.regex(lines[1], /^solo starts a private dockerd of its own only as root\. To run Docker on this machine/);
  t.regex(run.stderr, /^ {2}sudo usermod -aG docker \$USER/m);
  t.regex(run.stderr, /run it as root \(sudo helios solo\)/);
  // The same advice, whole, as for any non-root user of this machine (dockerd installed or not).
  t.deepEqual(lines, noEngineAdvice({ dockerHost, reason: `connect ENOENT ${join(dir.path, 'docker.sock')}`, facts: { ...machineFacts(), root: false }, command: 'helios solo' }));
  t.deepEqual(await readdir(dir.path), [], 'no home, no logs: solo stopped before starting anything');
  await t.throwsAsync(createClient({ baseUrl: `http://127.0.0.1:${port}` }).version(), undefined, 'no master');
});
