/**
 * Syncer scale: a repository of job files, a real in-process master with no agent (so no container
 * work ever happens), and the syncer's pass, timed:
 *  - 10,000 files, applied: first sync (every file read, parsed, sent, planned and written: creates and
 *    deploys) and one-file incremental syncs (a new commit changing one file: the master plans the
 *    whole set and replaces one job), the figure with the < 200 ms target;
 *  - a resync with no new commit (the periodic pass that restores drift).
 * Jobs are spread over 100 host names (no agent runs on them), as a real fleet would spread them.
 * Baselines, measured in the same run: isomorphic-git reading the same commit (for a first sync the
 * `jobs/` tree and every blob; for an incremental one the `jobs/` tree), i.e. the cost of merely
 * looking at the commit with the git library the syncer uses.
 */
import * as git from 'isomorphic-git';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { createClient } from '../core/index.js';
import { openLocalRepo } from '../syncer/repo/localRepo.js';
import { createSyncPass, type SyncOutcome } from '../syncer/syncPass.js';
import { startTestMaster } from '../test/harness/master.js';
import { fastImportCommit, fastImportRepo, jobYaml } from './gitopsFixtures.js';
import type { BenchOptions, Figure } from './lib/figures.js';
import { median } from './lib/stats.js';
import { renderTable } from './lib/table.js';

const sizes = {
  full: { files: 10_000, incremental: 5 },
  quick: { files: 2_000, incremental: 3 },
};
const HOSTS = 100;

interface Scenario {
  firstMs: number;
  first: SyncOutcome;
  baselineFirstMs: number;
  incremental: { totalMs: number; readMs: number; applyMs: number; baselineMs: number }[];
  resyncMs: number[];
}

export async function run(options: BenchOptions = {}): Promise<Figure[]> {
  const size = options.quick ? sizes.quick : sizes.full;
  const log = options.log ?? (() => {});
  const s = await scenario(size.files, size.incremental, log);
  const files = `${size.files.toLocaleString('en')} files`;
  const inc = (key: 'totalMs' | 'readMs' | 'applyMs' | 'baselineMs') => median(s.incremental.map((i) => i[key]));
  return [
    { name: 'first sync (read + plan + apply)', value: s.firstMs, unit: 'ms', baseline: { name: 'isomorphic-git: jobs/ tree + every blob', value: s.baselineFirstMs }, note: `${files}; ${s.first.result.actions.length} actions` },
    { name: 'first sync: syncer read+parse', value: s.first.readMs, unit: 'ms', note: files },
    { name: 'first sync: master validate+plan+apply', value: s.first.applyMs, unit: 'ms', note: 'one transaction' },
    { name: 'one-file incremental sync, median', value: inc('totalMs'), unit: 'ms', baseline: { name: 'isomorphic-git readTree jobs/', value: inc('baselineMs') }, target: { op: '<', value: 200 }, note: `${files}; replace = 4 actions; n=${size.incremental}` },
    { name: 'incremental: syncer read+parse median', value: inc('readMs'), unit: 'ms', note: '1 file re-read' },
    { name: 'incremental: master validate+plan+apply median', value: inc('applyMs'), unit: 'ms', note: `${files}: 1 entry in full, the rest by reference` },
    { name: 'resync, no new commit, median', value: median(s.resyncMs), unit: 'ms', note: files },
  ];
}

async function scenario(files: number, incrementals: number, log: (m: string) => void): Promise<Scenario> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-syncer-'));
  const master = await startTestMaster();
  try {
    const name = (i: number) => `job-${String(i).padStart(5, '0')}`;
    const file = (i: number, env?: Record<string, string>) => jobYaml(name(i), { hosts: [`host-${i % HOSTS}`], env });
    log(`writing ${files} job files`);
    const first = fastImportRepo(dir, Array.from({ length: files }, (_, i): [string, string] => [`jobs/${name(i)}.yaml`, file(i)]));
    const source = await openLocalRepo({ dir, branch: 'main' });
    const client = createClient({ baseUrl: master.url, owner: 'syncer', timeoutMs: 600_000 });
    const pass = createSyncPass({ source, client, name: 'bench', branch: 'main', path: 'jobs', log: pino({ level: 'silent' }) });

    const baselineFirstMs = await readWholeCommit(source.gitdir, first);
    const t0 = performance.now();
    const initial = await pass();
    const firstMs = performance.now() - t0;
    if (initial.result.state !== 'APPLIED') throw new Error(`first sync ${initial.result.state}: ${JSON.stringify(initial.result.errors.slice(0, 3))}`);
    log(`first sync ${Math.round(firstMs)} ms (read ${Math.round(initial.readMs)} ms, master ${Math.round(initial.applyMs)} ms)`);

    const incremental: Scenario['incremental'] = [];
    for (let i = 0; i < incrementals; i++) {
      const commit = fastImportCommit(dir, [[`jobs/${name(i)}.yaml`, file(i, { REV: String(i) })]]);
      const baselineMs = await readJobsTree(source.gitdir, commit);
      const start = performance.now();
      const outcome = await pass();
      const totalMs = performance.now() - start;
      if (outcome.result.state !== 'APPLIED' || outcome.filesRead !== 1) throw new Error(`incremental sync: ${outcome.result.state}, ${outcome.filesRead} files read`);
      incremental.push({ totalMs, readMs: outcome.readMs, applyMs: outcome.applyMs, baselineMs });
    }
    log(`incremental median ${Math.round(median(incremental.map((i) => i.totalMs)))} ms`);
    const resyncMs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      await pass();
      resyncMs.push(performance.now() - start);
    }
    return { firstMs, first: initial, baselineFirstMs, incremental, resyncMs };
  } finally {
    await master.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Baseline for a first sync: the `jobs/` tree and every blob in it, through isomorphic-git, cold. */
async function readWholeCommit(gitdir: string, commit: string): Promise<number> {
  const cache = {};
  const start = performance.now();
  const { tree } = await git.readTree({ fs, gitdir, oid: commit, filepath: 'jobs', cache });
  for (const entry of tree) await git.readBlob({ fs, gitdir, oid: entry.oid, cache });
  return performance.now() - start;
}

/** Baseline for an incremental sync: isomorphic-git's readTree of the commit's `jobs/` folder. */
async function readJobsTree(gitdir: string, commit: string): Promise<number> {
  const start = performance.now();
  await git.readTree({ fs, gitdir, oid: commit, filepath: 'jobs' });
  return performance.now() - start;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await run({ quick: process.argv.includes('--quick'), log: (m) => process.stderr.write(`${m}\n`) });
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n${renderTable(figures.map((f) => ({ benchmark: 'syncerScale', ...f })))}\n`);
}
