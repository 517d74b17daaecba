/**
 * What gzip (master/compression.ts, level 1) costs and saves: GET /jobs of N jobs (default 12,000,
 * about 3.6 MB) asked with `Accept-Encoding: gzip`, as Helios' Java client asks, next to the same
 * request without it, interleaved; time to the last byte, nothing inflated. Beside it, gzip of the
 * same body in this process at level 1 and at level 6 (zlib's default), to show why level 1.
 * A master child process (dist/master/bin.js: `npm run build` first).
 * Run alone: `npx tsx bench/gzip.ts [--quick] [--jobs N]` prints JSON, then a table.
 */
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { BenchOptions, Figure } from './lib/figures.js';
import { latencyFigures } from './lib/figures.js';
import { createJsonClient } from './lib/http.js';
import { startMaster } from './lib/masterProcess.js';
import { createJobs } from './lib/populate.js';
import { median } from './lib/stats.js';
import { renderTable } from './lib/table.js';

export interface GzipOptions extends BenchOptions {
  jobs?: number;
}

/** GET url: ms to the last byte and the bytes received (still compressed, if they were). */
function fetchRaw(url: string, gzip: boolean): Promise<{ ms: number; bytes: Buffer; encoding?: string }> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: gzip ? { 'Accept-Encoding': 'gzip' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ ms: performance.now() - start, bytes: Buffer.concat(chunks), encoding: res.headers['content-encoding'] }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const timeGzip = (body: Buffer, level: number, runs: number) =>
  Array.from({ length: runs }, () => { const t0 = performance.now(); gzipSync(body, { level }); return performance.now() - t0; });

export async function run(options: GzipOptions = {}): Promise<Figure[]> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  const budgetMs = options.budgetMs ?? 60_000;
  const jobCount = options.jobs ?? (options.quick ? 2_000 : 12_000);
  const master = await startMaster();
  try {
    const api = createJsonClient({ baseUrl: master.baseUrl });
    const created = await createJobs(api, jobCount, { concurrency: 16, deadline: started + budgetMs * 0.5, prefix: 'gz' });
    log(`created ${created.ids.length} jobs`);
    const url = `${master.baseUrl}/jobs`;
    await fetchRaw(url, false);
    await fetchRaw(url, true);
    const plain: number[] = [];
    const gzipped: number[] = [];
    let plainBytes = 0;
    let gzipBytes = 0;
    const deadline = started + budgetMs * 0.85;
    for (let i = 0; i < 30 && (i < 5 || performance.now() < deadline); i++) {
      const a = await fetchRaw(url, false);
      const b = await fetchRaw(url, true);
      if (b.encoding !== 'gzip') throw new Error(`GET /jobs with Accept-Encoding: gzip came back ${b.encoding ?? 'uncompressed'}`);
      plain.push(a.ms);
      gzipped.push(b.ms);
      plainBytes = a.bytes.length;
      gzipBytes = b.bytes.length;
    }
    const body = (await fetchRaw(url, false)).bytes;
    const level1 = timeGzip(body, 1, 5);
    const level6 = timeGzip(body, 6, 5);
    const sizeNote = `${(plainBytes / 1e6).toFixed(2)} MB → ${(gzipBytes / 1e3).toFixed(0)} KB`;
    const jobs = `${created.ids.length} jobs`;
    return [
      ...latencyFigures(`GET /jobs gzip (${jobs})`, gzipped, { name: 'GET /jobs uncompressed', samples: plain }).map((f) => ({ ...f, note: `${f.note}; ${sizeNote}` })),
      { name: 'GET /jobs gzip size', value: gzipBytes / 1e3, unit: 'KB', baseline: { name: 'uncompressed', value: plainBytes / 1e3 } },
      { name: 'gzip level 1 of the body (in process)', value: median(level1), unit: 'ms', baseline: { name: 'level 6', value: median(level6) },
        note: `level 6: ${(gzipSync(body, { level: 6 }).length / 1e3).toFixed(0)} KB` },
    ];
  } finally {
    await master.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--jobs');
  const figures = await run({ quick: process.argv.includes('--quick'), jobs: i > 0 ? Number(process.argv[i + 1]) : undefined,
    budgetMs: 300_000, log: (m) => process.stderr.write(`${m}\n`) });
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n${renderTable(figures.map((f) => ({ benchmark: 'gzip', ...f })))}\n`);
}
