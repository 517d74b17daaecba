/**
 * A rolling update over 100 simulated agents (bench/sim: the agent protocol without Docker, every task
 * reported RUNNING the moment it arrives), parallelism 1 and 10, on a master in this process (SQLite).
 * For each: the rollout's total time, and from its record (GET /deployment-group/{name}/history) the
 * gap between one step's last host done and the next step's first task: the master's own time per
 * step, where Helios' 1 s reactor spends at least a second per task (three tasks per host, one task
 * per pass whatever the parallelism). Next to it, a step's length (its first task to its last host
 * done): the simulated agents take no time of their own (they report at once), so that is the agent
 * protocol's round trips (undeploy → agent, deploy → agent, its RUNNING report → the master).
 *
 *   npx tsx bench/rollout.ts [--hosts 100] [--quick]
 */
import type { RolloutRecord } from '../core/index.js';
import { startTestMaster } from '../test/harness/master.js';
import type { BenchOptions, Figure } from './lib/figures.js';
import { percentile } from './lib/stats.js';
import { isMainModule, runStandalone } from './lib/standalone.js';
import { startFleet } from './sim/simFleet.js';

const TARGET_GAP_MS = 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function run(options: BenchOptions & { hosts?: number } = {}): Promise<Figure[]> {
  const log = options.log ?? (() => {});
  const count = options.hosts ?? (options.quick ? 30 : 100);
  const master = await startTestMaster();
  const hosts = Array.from({ length: count }, (_, i) => `sim-${String(i).padStart(3, '0')}`);
  const fleet = await startFleet({ baseUrls: [master.url], hosts, processes: 2, heartbeatMs: 5_000, waitMs: 60_000 });
  const figures: Figure[] = [];
  try {
    await fleet.ready();
    const { client } = master;
    // The simulated agents carry role=sim.
    await client.deploymentGroups.create({ name: 'bench', hostSelectors: [{ label: 'role', operator: 'EQUALS', operand: 'sim' }] });
    let version = 0;
    const rollOut = async (parallelism: number): Promise<{ ms: number; record: RolloutRecord }> => {
      const { id } = await client.jobs.create({ id: `bench:${++version}`, image: 'busybox:latest', command: ['sleep', '1000'] });
      const began = performance.now();
      const { rolloutId } = await client.deploymentGroups.rollingUpdate('bench', { job: id, rolloutOptions: { parallelism } });
      for (;;) {
        const status = await client.deploymentGroups.status('bench');
        if (status.status !== 'ROLLING_OUT') {
          if (status.status !== 'ACTIVE') throw new Error(`rollout ${rolloutId} ended ${status.status}: ${status.error}`);
          break;
        }
        await sleep(20);
      }
      const ms = performance.now() - began;
      const record = (await client.deploymentGroups.history('bench')).rollouts.find((r) => r.id === rolloutId)!;
      return { ms, record };
    };
    log(`first rollout onto ${count} hosts (not measured: nothing to undeploy)`);
    await rollOut(10);
    for (const parallelism of [1, 10]) {
      log(`rolling update, parallelism ${parallelism}`);
      const { ms, record } = await rollOut(parallelism);
      const steps: Array<{ started: number; finished: number }> = [];
      for (let i = 0; i < record.hosts.length; i += parallelism) {
        const chunk = record.hosts.slice(i, i + parallelism);
        steps.push({ started: Math.min(...chunk.map((h) => h.started)), finished: Math.max(...chunk.map((h) => h.finished!)) });
      }
      const gaps = steps.slice(1).map((step, i) => step.started - steps[i].finished);
      const lengths = steps.map((step) => step.finished - step.started);
      const note = `${count} hosts, ${steps.length} steps`;
      figures.push(
        { name: `parallelism ${parallelism}: rollout total`, value: Math.round(ms), unit: 'ms', note: `${note}; Helios: at least ${record.hosts.length * 3} s (one task per 1 s pass)` },
        { name: `parallelism ${parallelism}: step length median`, value: percentile(lengths, 50), unit: 'ms', note: 'undeploy, deploy, RUNNING report, through the agent protocol' },
        { name: `parallelism ${parallelism}: master gap between steps p50`, value: percentile(gaps, 50), unit: 'ms', note },
        { name: `parallelism ${parallelism}: master gap between steps p95`, value: percentile(gaps, 95), unit: 'ms', target: { op: '<', value: TARGET_GAP_MS }, note },
      );
    }
  } finally {
    await fleet.stop();
    await master.close();
  }
  return figures;
}

if (isMainModule(import.meta.url)) await runStandalone('rollout', run, ['hosts']);
