/**
 * What --sync-mode full costs: a write answered only once it is on disk (the master's group fsync of
 * its WAL, master/store/durableCommits.ts) next to --sync-mode normal (no fsync before the answer),
 * each a real master process over its own SQLite file on the temp dir's disk. Measured: one create
 * at a time (latency: the fsync is in every answer), and a burst of creates at once (throughput: one
 * fsync serves every write committed before it began). For scale, SQLite's own synchronous=FULL,
 * which fsyncs inside every COMMIT on the event loop, is timed per commit in this process.
 *
 *   npm run build && npx tsx bench/syncMode.ts [--quick]
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchOptions, Figure } from './lib/figures.js';
import { createJsonClient } from './lib/http.js';
import { startMaster } from './lib/masterProcess.js';
import { median } from './lib/stats.js';
import { now } from './lib/timing.js';
import { isMainModule, runStandalone } from './lib/standalone.js';

const job = (name: string) => ({ id: `${name}:1`, image: 'busybox:latest', env: { PAD: 'x'.repeat(200) } });

/**
 * Both masters run at once and are asked in turn (one create to each, then a burst to each, twice in
 * alternating order, the faster burst kept), so a loaded machine weighs on both alike.
 */
async function measureModes(sequential: number, burst: number) {
  const masters = await Promise.all((['normal', 'full'] as const).map((mode) => startMaster({ args: ['--sync-mode', mode, '--log-level', 'warn'] })));
  try {
    const apis = masters.map((m) => createJsonClient({ baseUrl: m.baseUrl, timeoutMs: 120_000 }));
    const one: number[][] = [[], []];
    for (let i = 0; i < sequential; i++) {
      for (const [m, api] of apis.entries()) {
        const start = now();
        await api.request('POST', '/jobs', job(`seq-${i}`));
        one[m].push(now() - start);
      }
    }
    const perSecond = [0, 0];
    for (const order of [[0, 1], [1, 0]]) {
      for (const m of order) {
        const start = now();
        await Promise.all(Array.from({ length: burst }, (_, i) => apis[m].request('POST', '/jobs', job(`burst-${order[0]}-${i}`))));
        perSecond[m] = Math.max(perSecond[m], burst / ((now() - start) / 1000));
      }
    }
    const figures = (m: number) => ({ createMs: median(one[m]), perSecond: perSecond[m] });
    return { normal: figures(0), full: figures(1) };
  } finally {
    await Promise.all(masters.map((m) => m.stop()));
  }
}

/** ms per COMMIT of one small row, with SQLite's synchronous=NORMAL and FULL, on the same disk. */
function sqliteCommitMs(commits: number): { normal: number; full: number } {
  const dir = mkdtempSync(join(tmpdir(), 'helios-bench-sync-'));
  try {
    const perCommit = (mode: 'NORMAL' | 'FULL') => {
      const db = new Database(join(dir, `${mode}.db`));
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${mode}`);
      db.exec('CREATE TABLE t (v TEXT)');
      const insert = db.prepare('INSERT INTO t VALUES (?)');
      const start = now();
      for (let i = 0; i < commits; i++) db.transaction(() => insert.run('x'.repeat(300))).immediate();
      const ms = (now() - start) / commits;
      db.close();
      return ms;
    };
    return { normal: perCommit('NORMAL'), full: perCommit('FULL') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(options: BenchOptions = {}): Promise<Figure[]> {
  const sequential = options.quick ? 50 : 200;
  const burst = options.quick ? 300 : 1000;
  const log = options.log ?? (() => {});
  log(`sync modes: ${sequential} creates one at a time, then ${burst} at once, per mode`);
  const { normal, full } = await measureModes(sequential, burst);
  const sqlite = sqliteCommitMs(options.quick ? 200 : 500);
  return [
    { name: 'create, one at a time, --sync-mode full (median)', value: full.createMs, unit: 'ms',
      baseline: { name: '--sync-mode normal', value: normal.createMs }, note: `${sequential} creates` },
    { name: 'creates at once, --sync-mode full', value: full.perSecond, unit: '/s',
      baseline: { name: '--sync-mode normal', value: normal.perSecond }, note: `${burst} POST /jobs in flight, best of 2` },
    { name: 'SQLite COMMIT with synchronous=FULL (on the event loop)', value: sqlite.full, unit: 'ms',
      baseline: { name: 'synchronous=NORMAL', value: sqlite.normal }, note: 'what every write would block the master for without the group fsync' },
  ];
}

if (isMainModule(import.meta.url)) await runStandalone('syncMode', run);
