import { startTestMaster } from './test/harness/master.js';
const sync = (jobs: any[]) => ({ repo: 'https://git.example/r.git', branch: 'main', path: 'jobs', commit: 'c1', errors: [], jobs });
for (const engine of ['sqlite', 'postgres'] as const) {
  const m = await startTestMaster({ engine, reaperIntervalMs: 50, retention: { sourceReapAfterMs: 1_000 } });
  const durations: number[] = [];
  let missing = 0;
  const end = Date.now() + 4000;
  while (Date.now() < end) {
    const t0 = performance.now();
    await m.client.sync.apply('live', sync([]));
    durations.push(performance.now() - t0);
    if (!(await m.client.sync.sources()).some((s) => s.name === 'live')) missing++;
    await new Promise((r) => setTimeout(r, 100));
  }
  durations.sort((a, b) => a - b);
  const reaps = (await m.client.audit()).events.filter((e) => e.action === 'reap');
  console.log(engine, 'applies', durations.length, 'p50', durations[durations.length >> 1].toFixed(1), 'max', durations.at(-1)!.toFixed(1), 'missing', missing, 'reaps', JSON.stringify(reaps.map((r) => r.detail)));
  await m.close();
}
