/**
 * The master's byte limits (issue 14, review F10-F12): each is a flag, and past it the request gets
 * a 4xx naming the flag, with nothing stored.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { once } from 'node:events';
import test from 'ava';
import { MAX_DEPLOY_HOSTS, type SyncApplyRequest, type SyncJob } from '../core/index.js';
import { dumpDb, expectError, startTestMaster } from './harness/master.js';
import { ENGINES } from './harness/engines.js';

const file = (name: string, spec: Record<string, unknown> = {}, over: Partial<SyncJob> = {}): SyncJob => ({
  file: `jobs/${name}.yaml`, lines: { name: 1, env: 3, deploy: 5 },
  spec: { name, version: '1', image: 'busybox:latest', ...spec }, hosts: ['h1'], goal: 'START', ...over,
});
const commit = (c: string, jobs: SyncJob[]): SyncApplyRequest =>
  ({ repo: 'http://127.0.0.1/repo.git', branch: 'main', path: 'jobs', commit: c, jobs, errors: [] });

for (const engine of ENGINES) {
  test(`${engine}: POST /jobs over --max-job-bytes is 413 naming the flag, env counted, and stores nothing`, async (t) => {
    const m = await startTestMaster({ engine, limits: { maxJobBytes: 4096 } });
    t.teardown(m.close);
    const before = await dumpDb(m.dbPath);
    const err = await expectError(t, m.client.jobs.create({ id: 'big:1', image: 'busybox:latest', env: { BLOB: 'x'.repeat(5000) } }), 'PAYLOAD_TOO_LARGE');
    t.is(err.httpStatus, 413);
    t.regex(err.message, /^the job is 4\.9 KiB as JSON, over the master's --max-job-bytes \(4 KiB\)$/);
    t.like(err.data, { limit: '--max-job-bytes', maxBytes: 4096 });
    t.deepEqual(await dumpDb(m.dbPath), before);
    t.truthy((await m.client.jobs.create({ id: 'small:1', image: 'busybox:latest', env: { BLOB: 'x'.repeat(3000) } })).id);
  });

  test(`${engine}: a sync entry over --max-job-bytes refuses the commit with an error on that file naming the flag; the rest waits`, async (t) => {
    const m = await startTestMaster({ engine, limits: { maxJobBytes: 4096 } });
    t.teardown(m.close);
    const big = file('big', { metadata: { blob: 'y'.repeat(6000) } });
    const before = await dumpDb(m.dbPath);
    const refused = await m.client.sync.apply('s', commit('c1', [file('web'), big]));
    t.is(refused.state, 'REFUSED');
    t.deepEqual(refused.errors, [{ file: 'jobs/big.yaml', line: 1, message: "the job is 5.9 KiB as JSON, over the master's --max-job-bytes (4 KiB)" }]);
    t.like(await m.client.sync.source('s'), { state: 'ERROR', lastAppliedCommit: null, errors: refused.errors });
    const after = await dumpDb(m.dbPath);
    t.deepEqual([after.jobs, after.deployments], [before.jobs, before.deployments]);
    // Fixed in the next commit, it applies.
    const fixed = await m.client.sync.apply('s', commit('c2', [file('web'), file('big', { metadata: { blob: 'small' } })]));
    t.is(fixed.state, 'APPLIED');
  });

  test(`${engine}: a sync entry deploying to more than ${MAX_DEPLOY_HOSTS} hosts refuses the commit with an error on that file`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    const hosts = Array.from({ length: MAX_DEPLOY_HOSTS + 1 }, (_, i) => `h${i}`);
    const before = await dumpDb(m.dbPath);
    const refused = await m.client.sync.apply('s', commit('c1', [file('web', {}, { hosts })]));
    t.is(refused.state, 'REFUSED');
    t.deepEqual(refused.errors, [{ file: 'jobs/web.yaml', line: 5, message: `deploy.hosts: lists ${MAX_DEPLOY_HOSTS + 1} hosts, at most ${MAX_DEPLOY_HOSTS}` }]);
    const after = await dumpDb(m.dbPath);
    t.deepEqual([after.jobs, after.deployments], [before.jobs, before.deployments]);
  });

  test(`${engine}: past --max-concurrent-syncs a sync is 503 with Retry-After naming the flag, stores nothing, and a freed slot takes the next`, async (t) => {
    const m = await startTestMaster({ engine, limits: { maxConcurrentSyncs: 1 } });
    t.teardown(m.close);
    // The first sync sends its headers and half its body, and holds the only slot while the rest is on its way.
    const body = JSON.stringify(commit('c1', [file('slow')]));
    const slow = httpRequest(`${m.url}/sync/sources/slow`, {
      method: 'PUT', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    const answered = once(slow, 'response');
    const taken = once(m.master.app.server, 'request');
    slow.write(body.slice(0, 20));
    await taken;
    // The request's onRequest hooks run right after its 'request' event.
    await new Promise((resolve) => setImmediate(resolve));

    const before = await dumpDb(m.dbPath);
    const busy = await fetch(`${m.url}/sync/sources/other`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(commit('c1', [file('other')])) });
    t.is(busy.status, 503);
    t.is(busy.headers.get('retry-after'), '2');
    t.like(await busy.json(), {
      status: 'SERVER_BUSY', limit: '--max-concurrent-syncs', retryAfter: 2,
      message: 'the master is already reading or applying 1 sync requests (--max-concurrent-syncs); retry in 2 s',
    });
    t.deepEqual(await dumpDb(m.dbPath), before);

    slow.end(body.slice(20));
    const [response] = await answered as [IncomingMessage];
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    t.is(response.statusCode, 200);
    t.is((JSON.parse(Buffer.concat(chunks).toString()) as { state: string }).state, 'APPLIED');
    t.is((await m.client.sync.apply('other', commit('c1', [file('other')]))).state, 'APPLIED', 'the slot is free again');
  });

  test(`${engine}: a refused sync (400 from its schema) frees its slot too`, async (t) => {
    const m = await startTestMaster({ engine, limits: { maxConcurrentSyncs: 1 } });
    t.teardown(m.close);
    for (let i = 0; i < 3; i++) {
      const bad = await fetch(`${m.url}/sync/sources/s`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"jobs": 1}' });
      t.is(bad.status, 400);
    }
    t.is((await m.client.sync.apply('s', commit('c1', [file('web')]))).state, 'APPLIED');
  });
}
