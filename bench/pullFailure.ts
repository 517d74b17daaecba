/**
 * A wrong registry password, seen by the user: from the deploy request until the API shows the task
 * FAILED / IMAGE_PULL_FAILED with the registry's reason (a real master and agent, the real Docker
 * engine, a real registry of test/harness/registry.ts on 127.0.0.1), vs a raw dockerode pull with the
 * same wrong password failing, in the same run. Target (issue 18: within 2 s of the pull): p95 under 2 s. Each run is
 * a new image tag, so every deploy pulls (--pull auto: create, "no such image", pull).
 *
 *   DOCKER_HOST=unix:///tmp/dk1/docker.sock npx tsx bench/pullFailure.ts [--runs 10] [--quick]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startAgent } from '../agent/agent.js';
import { dockerClient } from '../test/harness/agent.js';
import { startTestMaster } from '../test/harness/master.js';
import { startRegistry } from '../test/harness/registry.js';
import { latencyFigures, type BenchOptions, type Figure } from './lib/figures.js';
import { isMainModule, runStandalone } from './lib/standalone.js';

const POLL_MS = 20;
const WRONG = { username: 'alice', password: 'not-the-password' };

/** ms until the raw engine's pull with the wrong password fails. */
async function rawPullFails(image: string, serveraddress: string): Promise<number> {
  const docker = dockerClient();
  const start = performance.now();
  try {
    const stream = await docker.pull(image, { authconfig: { ...WRONG, serveraddress } });
    await new Promise((resolve) => docker.modem.followProgress(stream, resolve));
  } catch {
    // the failure is the point
  }
  return performance.now() - start;
}

export async function run(options: BenchOptions & { runs?: number } = {}): Promise<Figure[]> {
  const runs = options.runs ?? (options.quick ? 3 : 10);
  const log = options.log ?? (() => {});
  const registry = await startRegistry({ alice: 'the-Pa55word' });
  const master = await startTestMaster();
  const root = await mkdtemp(join(tmpdir(), 'helios-bench-pullfail-'));
  const agentMs: number[] = [];
  const rawMs: number[] = [];
  let reason = '';
  try {
    const dockerConfig = await registry.dockerConfig(WRONG.username, WRONG.password, join(root, 'docker'));
    const name = `bench-pullfail-${process.pid}`;
    const agent = await startAgent({
      master: master.url, name, stateDir: join(root, 'state'), bindIp: '127.0.0.1', dockerConfig,
      dockerHost: process.env.DOCKER_HOST, logger: pino({ level: 'warn' }),
    });
    try {
      for (let i = 0; i < runs; i++) {
        const image = await registry.push('busybox:latest', `private/busybox:run${i}`, 'alice');
        rawMs.push(await rawPullFails(image, registry.host));
        const { id } = await master.client.jobs.create({ id: `pullfail-${i}:1`, image, command: ['sleep', '1000'], secondsToWaitBeforeKill: 0 });
        const start = performance.now();
        await master.client.deployments.deploy(name, id);
        let lastMiss = performance.now();
        for (;;) {
          const sent = performance.now();
          const status = (await master.client.jobs.status(id)).taskStatuses[name];
          const polled = (sent + performance.now()) / 2;
          if (status?.throttled === 'IMAGE_PULL_FAILED') {
            agentMs.push((lastMiss + polled) / 2 - start);
            reason = status.containerError ?? '';
            break;
          }
          lastMiss = polled;
          if (performance.now() - start > 30_000) throw new Error(`${id} not IMAGE_PULL_FAILED after 30 s`);
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        }
        await master.client.deployments.undeploy(name, id);
        log(`run ${i + 1}/${runs}: ${Math.round(agentMs.at(-1)!)} ms (raw pull ${Math.round(rawMs.at(-1)!)} ms)`);
      }
    } finally {
      await agent.stop();
    }
  } finally {
    const closing = master.close();
    const cut = setTimeout(() => master.master.app.server.closeAllConnections(), 200);
    await closing;
    clearTimeout(cut);
    await registry.close();
    await rm(root, { recursive: true, force: true });
  }
  if (!/unauthorized: authentication required/.test(reason)) throw new Error(`the status did not give the registry's reason: ${reason}`);
  return latencyFigures('deploy → IMAGE_PULL_FAILED (wrong password)', agentMs, { name: 'raw pull failing', samples: rawMs },
    ['median', 'p95'], { op: '<', value: 2_000 });
}

if (isMainModule(import.meta.url)) await runStandalone('pullFailure', run, ['runs']);
