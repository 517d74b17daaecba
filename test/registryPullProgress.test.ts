/**
 * A pull's progress, end to end: a real agent pulls a private image with a 24 MB layer from a real
 * registry behind a proxy that answers at 4 MB/s, so the pull lasts about 6 s. The task's status
 * carries bytes and layers done while PULLING_IMAGE, at most once a second, none of it in the
 * history or in Helios' wire format; `helios deploy --watch` on a terminal draws it as a bar.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import type { PullProgress } from '../core/index.js';
import { CLI_BIN, ensureCliBuilt } from './cliHarness.js';
import { dockerClient, startMasterFor, startTestAgent, waitForState } from './harness/agent.js';
import { tempDir, waitFor } from './harness/processes.js';
import { basicAuth, startRegistry, type TestRegistry } from './harness/registry.js';
import { startThrottledProxy, type ThrottledProxy } from './harness/throttledProxy.js';

const LAYER_BYTES = 24_000_000;
const BYTES_PER_SECOND = 4_000_000;
const PASSWORD = 'progress-Pa55';

let registry: TestRegistry;
let proxy: ThrottledProxy;
let dockerConfig: string;
const pulled: string[] = [];

test.before(async () => {
  registry = await startRegistry({ alice: PASSWORD });
  proxy = await startThrottledProxy(`http://${registry.host}`, BYTES_PER_SECOND);
  // The docker config names the proxy: the engine pulls through it.
  dockerConfig = join((await tempDir('helios-progress-')).path, 'docker');
  await mkdir(dockerConfig);
  await writeFile(join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [proxy.host]: { auth: basicAuth('alice', PASSWORD) } } }));
});

test.after.always(async () => {
  for (const image of pulled) await dockerClient().getImage(image).remove().catch(() => {});
  await proxy?.close();
  await registry?.close();
});

async function largeImage(tag: string): Promise<string> {
  const ref = await registry.pushLargeImage(`private/big:${tag}`, LAYER_BYTES, 'alice');
  const image = ref.replace(registry.host, proxy.host);
  pulled.push(image);
  return image;
}

test('while PULLING_IMAGE the task status carries the pull\'s progress, at most once a second, kept out of history and Helios\' format', async (t) => {
  const image = await largeImage('status');
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master, { dockerConfig });
  const { id } = await master.client.jobs.create({ name: 'big', version: '1', image, command: ['sleep', '1000'], secondsToWaitBeforeKill: 1 });
  await master.client.deployments.deploy(agent.name, id, { goal: 'START' });

  const seen: Array<{ at: number; progress: PullProgress }> = [];
  let heliosAnswer = '';
  await waitFor(async () => {
    const status = (await master.client.jobs.status(id)).taskStatuses[agent.name];
    const progress = status?.pullProgress;
    if (progress && JSON.stringify(progress) !== JSON.stringify(seen.at(-1)?.progress)) {
      seen.push({ at: Date.now(), progress });
      if (!heliosAnswer) {
        const res = await fetch(`${master.url}/jobs/${encodeURIComponent(id)}/status`, { headers: { 'Helios-Version': '0.9.282' } });
        heliosAnswer = await res.text();
      }
    }
    return status?.state === 'RUNNING';
  }, { timeoutMs: 60_000, intervalMs: 50, message: 'RUNNING' });

  const gaps = seen.slice(1).map((s, i) => s.at - seen[i].at);
  t.log(`${seen.length} progress statuses, ${gaps.join(', ')} ms apart: ${seen.map((s) => `${(s.progress.bytesDone / 1e6).toFixed(1)}/${(s.progress.bytesTotal / 1e6).toFixed(1)} MB ${s.progress.layersDone}/${s.progress.layersTotal}`).join('; ')}`);
  t.true(seen.length >= 3, `a 6 s pull reports its progress several times (${seen.length})`);
  // At most one a second: counted over the whole pull, since one gap seen by polling a loaded master can look short.
  const seconds = (seen.at(-1)!.at - seen[0].at) / 1_000;
  t.true(seen.length - 1 <= seconds + 1, `${seen.length} progress statuses in ${seconds.toFixed(1)} s`);
  for (const [i, s] of seen.entries()) {
    t.true(s.progress.layersTotal <= 2, 'busybox\'s layer (already there) and the large one, as the engine names them');
    t.true(s.progress.bytesDone <= s.progress.bytesTotal);
    if (i > 0) t.true(s.progress.bytesDone >= seen[i - 1].progress.bytesDone, 'never backwards');
  }
  t.is(seen.at(-1)?.progress.layersTotal, 2);
  t.true(seen.some((s) => s.progress.bytesTotal >= LAYER_BYTES && s.progress.bytesDone > 0 && s.progress.bytesDone < s.progress.bytesTotal),
    'the large layer seen part way');

  const running = (await master.client.jobs.status(id)).taskStatuses[agent.name];
  t.is(running.pullProgress, undefined, 'RUNNING carries no progress');
  const { events } = await master.client.jobs.history(id);
  // --pull auto, a pinned tag: the create says "no such image" first, then the pull (as docker run).
  t.deepEqual(events.map((e) => e.status.state), ['PULLING_IMAGE', 'CREATING', 'PULLING_IMAGE', 'CREATING', 'STARTING', 'RUNNING']);
  t.false(events.some((e) => e.status.pullProgress), 'no progress in the history');
  t.regex(heliosAnswer, /"state":"PULLING_IMAGE"/);
  t.false(heliosAnswer.includes('pullProgress'), 'Helios\' TaskStatus has no progress');
});

test('helios deploy --watch on a terminal draws the pull\'s progress as a bar, then the states', async (t) => {
  const image = await largeImage('cli');
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master, { dockerConfig });
  const { id } = await master.client.jobs.create({ name: 'bigcli', version: '1', image, command: ['sleep', '1000'], secondsToWaitBeforeKill: 1 });
  await ensureCliBuilt();
  // script(1) gives the command a pseudo-terminal as stdout.
  const output = await new Promise<string>((resolve, reject) => {
    execFile('script', ['-qec', `${process.execPath} ${CLI_BIN} deploy ${id} ${agent.name} --watch`, '/dev/null'],
      { env: { ...process.env, HELIOS_MASTER: master.url, TERM: 'xterm-256color', NO_COLOR: '1' }, timeout: 90_000 },
      (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
  await waitForState(master, id, agent.name, 'RUNNING');
  // eslint-disable-next-line no-control-regex -- the line is redrawn with ESC[2K ESC[1G
  const redraws = output.split(/\x1b\[2K\x1b\[1G/);
  const bars = output.match(/\[[#-]{20}\] [\d.]+MB\/[\d.]+MB, \d\/2 layers/g) ?? [];
  t.log(`${bars.length} bars drawn: ${bars.join(' | ')}`);
  t.true(bars.length >= 2, output);
  t.true(redraws.length > bars.length, 'each bar is erased before the next line');
  t.regex(output, new RegExp(`${agent.name}: PULLING_IMAGE[\\s\\S]*${agent.name}: \\[[#-]{20}\\][\\s\\S]*${agent.name}: RUNNING`));
});
