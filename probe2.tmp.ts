import pg from 'pg';
import { startTestMaster } from './test/harness/master.js';
const log: string[] = [];
let counting = false;
const orig = pg.Client.prototype.query;
(pg.Client.prototype as any).query = function (this: any, ...args: any[]) {
  if (counting) { const q = args[0]; log.push((typeof q === 'string' ? q : q.text).replace(/\s+/g, ' ').slice(0, 90)); }
  return (orig as any).apply(this, args);
};
const sync = (jobs: any[]) => ({ repo: 'https://git.example/r.git', branch: 'main', path: 'jobs', commit: 'c1', errors: [], jobs });
const m = await startTestMaster({ engine: 'postgres', reaperIntervalMs: 3_600_000 });
await m.client.sync.apply('live', sync([]));
counting = true;
const t0 = performance.now();
await m.client.sync.apply('live', sync([]));
console.log('apply ms', (performance.now() - t0).toFixed(1), 'queries', log.length);
console.log(log.join('\n'));
log.length = 0;
const t1 = performance.now();
for (let i = 0; i < 20; i++) await m.client.sync.apply('live', sync([]));
console.log('20 applies ms', (performance.now() - t1).toFixed(1), 'queries', log.length);
await m.close();
