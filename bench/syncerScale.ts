/**
 * Syncer scale: a repository with 10,000 job files (each deployed on a host that has no agent, so no
 * container work happens), a real in-process master, and the syncer's pass:
 *  - first sync: every file read, parsed and sent; the master creates 10,000 jobs and deployments;
 *  - one-file incremental sync: one file changed in a new commit (a new job version replaces the old);
 *  - resync with no new commit (the periodic pass that restores drift).
 * Baselines, measured in the same run: isomorphic-git reading the same commit (the `jobs/` tree, and
 * for the first sync every blob too), i.e. what any tool must pay to look at the commit at all.
 */
import * as git from 'isomorphic-git';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { createClient } from '../core/index.js';
import { openLocalRepo } from '../syncer/repo/localRepo.js';
import { createSyncPass } from '../syncer/syncPass.js';
import { startTestMaster } from '../test/harness/master.js';
import { fastImportCommit, fastImportRepo, jobYaml } from './gitopsFixtures.js';
import type { BenchOptions, Figure } from './lib/figures.js';
import { renderTable } from './lib/table.js';
import { median } from './lib/stats.js';

const sizes = { full: { files: 10_000, incremental: 7 }, quick: { files: 2_000, incremental: 3 } };

export async function run(options: BenchOptions = {}): Promise<Figure[]> {
  const size = options.quick ? sizes.quick : sizes.full;
  const log = options.log ?? (() => {});
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-syncer-'));
  const master = await startTestMaster();
  try {
    log(`writing ${size.files} job files`);
    const name = (i: number) => `job-${String(i).padStart(5, '0')}`;
    const files = Array.from({ length: size.files }, (_, i): [string, string] => [`jobs/${name(i)}.yaml`, jobYaml(name(i), { hosts: ['no-such-agent'] })]);
    const first = fastImportRepo(dir, files);

    const source = await openLocalRepo({ dir, branch: 'main' });
    const client = createClient({ baseUrl: master.url, owner: 'syncer', timeoutMs: 300_000 });
    const pass = createSyncPass({ source, client, name: 'bench', branch: 'main', path: 'jobs', log: pino({ level: 'silent' }) });

    const baseFirst = await readWholeCommit(source.gitdir, first);
    log(`first sync of ${size.files} files`);
    const t0 = performance.now();
    const initial = await pass();
    const firstMs = performance.now() - t0;
    if (initial.result.state !== 'APPLIED') throw new Error(`first sync ${initial.result.state}: ${JSON.stringify(initial.result.errors.slice(0, 3))}`);
    log(`first sync ${Math.round(firstMs)} ms (${initial.result.actions.length} actions)`);

    const incTotal: number[] = [];
    const incRead: number[] = [];
    const incApply: number[] = [];
    const baseInc: number[] = [];
    for (let i = 0; i < size.incremental; i++) {
      const commit = fastImportCommit(dir, [[`jobs/${name(i)}.yaml`, jobYaml(name(i), { hosts: ['no-such-agent'], env: { REV: String(i) } })]]);
      baseInc.push(await readJobsTree(source.gitdir, commit));
      const start = performance.now();
      const outcome = await pass();
      incTotal.push(performance.now() - start);
      incRead.push(outcome.readMs);
      incApply.push(outcome.applyMs);
      if (outcome.result.state !== 'APPLIED' || outcome.filesRead !== 1) throw new Error(`incremental sync: ${outcome.result.state}, ${outcome.filesRead} files read`);
    }
    const resync: number[] = [];
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      await pass();
      resync.push(performance.now() - start);
    }
    const n = `${size.files.toLocaleString('en')} files`;
    const figures: Figure[] = [
      { name: 'first sync (read + apply)', value: firstMs, unit: 'ms', baseline: { name: 'isomorphic-git: jobs/ tree + every blob', value: baseFirst }, note: `${n}; ${initial.result.actions.length} actions` },
      { name: 'first sync: syncer read+parse', value: initial.readMs, unit: 'ms', note: n },
      { name: 'first sync: master apply', value: initial.applyMs, unit: 'ms', note: 'one transaction' },
      { name: 'one-file incremental sync median', value: median(incTotal), unit: 'ms', baseline: { name: 'isomorphic-git readTree jobs/', value: median(baseInc) }, target: { op: '<', value: 200 }, note: `n=${incTotal.length}; no container work` },
      { name: 'incremental: syncer read+parse median', value: median(incRead), unit: 'ms', note: '1 file re-read' },
      { name: 'incremental: master plan+apply median', value: median(incApply), unit: 'ms', note: `whole set of ${n}` },
      { name: 'resync, no new commit median', value: median(resync), unit: 'ms', note: 'n=3' },
    ];
    return figures;
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
