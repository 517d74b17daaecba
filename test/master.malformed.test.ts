/**
 * Malformed requests: each gets a 4xx with a JSON body naming what is wrong, and none changes the
 * database (every table, the global index included, is dumped before and after). On both engines:
 * SQLite, and PostgreSQL (a database of its own on HELIOS_TEST_PG).
 */
import test from 'ava';
import { dumpDb, heartbeatBody, startTestMaster } from './harness/master.js';
import { ENGINES, testDatabase } from './harness/engines.js';

interface Case {
  title: string;
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
  status: number;
  code: string;
  message: RegExp;
}

const json = { 'content-type': 'application/json' };

function cases(jobId: string): Case[] {
  const job = encodeURIComponent(jobId);
  const hb = heartbeatBody('agent-1');
  return [
    { title: 'job body that is not JSON', method: 'POST', path: '/jobs', body: '{bad', headers: json, status: 400, code: 'INVALID_REQUEST', message: /not valid JSON/ },
    { title: 'job body that is an array', method: 'POST', path: '/jobs', body: '[]', headers: json, status: 400, code: 'INVALID_JOB_DEFINITION', message: /object/ },
    { title: 'job body that is a string', method: 'POST', path: '/jobs', body: '"web"', headers: json, status: 400, code: 'INVALID_JOB_DEFINITION', message: /object/ },
    { title: 'job body that is null', method: 'POST', path: '/jobs', body: 'null', headers: json, status: 400, code: 'INVALID_JOB_DEFINITION', message: /object/ },
    { title: 'job with a numeric image', method: 'POST', path: '/jobs', body: JSON.stringify({ id: 'x:1', image: 5 }), headers: json, status: 400, code: 'INVALID_JOB_DEFINITION', message: /image/ },
    { title: 'job with a string command', method: 'POST', path: '/jobs', body: JSON.stringify({ id: 'x:1', image: 'busybox', command: 'ls -l' }), headers: json, status: 400, code: 'INVALID_JOB_DEFINITION', message: /command/ },
    { title: 'job with a slash in its name', method: 'POST', path: '/jobs', body: JSON.stringify({ id: 'a/b:1', image: 'busybox' }), headers: json, status: 400, code: 'INVALID_JOB_DEFINITION', message: /name|id/ },
    { title: 'job body over 1 MiB', method: 'POST', path: '/jobs', body: JSON.stringify({ id: 'x:1', image: 'busybox', env: { BIG: 'x'.repeat(1_200_000) } }), headers: json, status: 413, code: 'PAYLOAD_TOO_LARGE', message: /^request body is over 1 MiB, the master's --max-body-bytes$/ },
    { title: 'job over --max-job-bytes', method: 'POST', path: '/jobs', body: JSON.stringify({ id: 'x:1', image: 'busybox', env: { BIG: 'x'.repeat(300_000) } }), headers: json, status: 413, code: 'PAYLOAD_TOO_LARGE', message: /^the job is 293 KiB as JSON, over the master's --max-job-bytes \(256 KiB\)$/ },
    { title: 'job body sent as text/plain', method: 'POST', path: '/jobs', body: '{"id":"x:1","image":"busybox"}', headers: { 'content-type': 'text/plain' }, status: 400, code: 'INVALID_REQUEST', message: /application\/json/ },
    { title: 'job body with __proto__', method: 'POST', path: '/jobs', body: '{"id":"x:1","image":"busybox","__proto__":{"admin":true}}', headers: json, status: 400, code: 'INVALID_REQUEST', message: /__proto__/ },
    { title: 'empty JSON body', method: 'POST', path: '/jobs', body: '', headers: json, status: 400, code: 'INVALID_REQUEST', message: /empty/i },
    { title: 'owner git:* from a client', method: 'POST', path: '/jobs', body: JSON.stringify({ id: 'x:1', image: 'busybox' }), headers: { ...json, 'helios-owner': 'git:evil' }, status: 400, code: 'INVALID_REQUEST', message: /Helios-Owner.*sync endpoint/ },
    { title: 'job id with ../ in the path', method: 'GET', path: '/jobs/..%2F..%2Fetc%2Fpasswd', status: 400, code: 'INVALID_REQUEST', message: /path parameter id/ },
    { title: 'job id with a NUL byte', method: 'DELETE', path: '/jobs/web:1%00', status: 400, code: 'INVALID_REQUEST', message: /path parameter id/ },
    { title: 'job id with an encoded slash', method: 'DELETE', path: '/jobs/web%2F1:1', status: 400, code: 'INVALID_REQUEST', message: /path parameter id/ },
    { title: 'job id with a short hash', method: 'GET', path: '/jobs/web:1:abc', status: 400, code: 'INVALID_REQUEST', message: /40-digit/ },
    { title: 'history of ../', method: 'GET', path: '/history/jobs/..%2F', status: 400, code: 'INVALID_REQUEST', message: /path parameter id/ },
    { title: 'job query over 1000 characters', method: 'GET', path: `/jobs?q=${'a'.repeat(1001)}`, status: 400, code: 'INVALID_REQUEST', message: /query parameter q/ },
    { title: 'host name with a slash', method: 'PUT', path: '/hosts/bad%2Fname?id=x', status: 400, code: 'INVALID_REQUEST', message: /path parameter host/ },
    { title: 'host name starting with a dash', method: 'PUT', path: '/hosts/-h?id=x', status: 400, code: 'INVALID_REQUEST', message: /path parameter host/ },
    { title: 'register without an id', method: 'PUT', path: '/hosts/h2', status: 400, code: 'INVALID_REQUEST', message: /query parameter id/ },
    { title: 'register with an empty id', method: 'PUT', path: '/hosts/h2?id=', status: 400, code: 'INVALID_REQUEST', message: /query parameter id/ },
    { title: 'deploy with a numeric goal', method: 'PUT', path: `/hosts/h1/jobs/${job}`, body: '{"goal":5}', headers: json, status: 400, code: 'INVALID_REQUEST', message: /goal/ },
    { title: 'deploy with an unknown goal', method: 'PUT', path: `/hosts/h1/jobs/${job}`, body: '{"goal":"RUN"}', headers: json, status: 400, code: 'INVALID_REQUEST', message: /goal/ },
    { title: 'deploy to an unknown host', method: 'PUT', path: `/hosts/ghost/jobs/${job}`, body: '{"goal":"START"}', headers: json, status: 404, code: 'HOST_NOT_FOUND', message: /ghost/ },
    { title: 'deploy with force=maybe', method: 'PUT', path: `/hosts/h1/jobs/${job}?force=maybe`, body: '{"goal":"START"}', headers: json, status: 400, code: 'INVALID_REQUEST', message: /query parameter force/ },
    { title: 'set goal without a goal', method: 'PATCH', path: `/hosts/h1/jobs/${job}`, body: '{}', headers: json, status: 400, code: 'INVALID_REQUEST', message: /body\.goal/ },
    { title: 'set goal with bad JSON', method: 'PATCH', path: `/hosts/h1/jobs/${job}`, body: '{"goal":', headers: json, status: 400, code: 'INVALID_REQUEST', message: /not valid JSON/ },
    { title: 'undeploy with a huge token', method: 'DELETE', path: `/hosts/h1/jobs/${job}?token=${'t'.repeat(2000)}`, status: 400, code: 'INVALID_REQUEST', message: /query parameter token/ },
    { title: 'blocking query with a negative index', method: 'GET', path: '/agents/h1/tasks?index=-1&id=agent-1', status: 400, code: 'INVALID_REQUEST', message: /query parameter index/ },
    { title: 'blocking query with a word for index', method: 'GET', path: '/agents/h1/tasks?index=abc&id=agent-1', status: 400, code: 'INVALID_REQUEST', message: /query parameter index/ },
    { title: 'blocking query without an index', method: 'GET', path: '/agents/h1/tasks?id=agent-1', status: 400, code: 'INVALID_REQUEST', message: /index.*required/ },
    { title: 'blocking query without an agent id', method: 'GET', path: '/agents/h1/tasks?index=0', status: 400, code: 'INVALID_REQUEST', message: /query parameter id: is required/ },
    { title: 'blocking query with a negative wait', method: 'GET', path: '/agents/h1/tasks?index=0&wait=-5&id=agent-1', status: 400, code: 'INVALID_REQUEST', message: /query parameter wait/ },
    { title: 'blocking query of an unknown host', method: 'GET', path: '/agents/ghost/tasks?index=0&id=agent-1', status: 404, code: 'HOST_NOT_FOUND', message: /ghost/ },
    { title: 'empty heartbeat', method: 'POST', path: '/agents/h1/heartbeat', body: '{}', headers: json, status: 400, code: 'INVALID_REQUEST', message: /body\.\w+: is required/ },
    { title: 'heartbeat with cpus as a string', method: 'POST', path: '/agents/h1/heartbeat', body: JSON.stringify({ ...hb, hostInfo: { ...hb.hostInfo, cpus: '4' } }), headers: json, status: 400, code: 'INVALID_REQUEST', message: /body\.hostInfo\.cpus/ },
    { title: 'heartbeat of an unknown host', method: 'POST', path: '/agents/ghost/heartbeat', body: JSON.stringify(hb), headers: json, status: 404, code: 'HOST_NOT_FOUND', message: /ghost/ },
    { title: 'status report with updates not a list', method: 'POST', path: '/agents/h1/statuses', body: '{"id":"agent-1","updates":"x","removed":[]}', headers: json, status: 400, code: 'INVALID_REQUEST', message: /body\.updates/ },
    { title: 'status report without an agent id', method: 'POST', path: '/agents/h1/statuses', body: '{"updates":[],"removed":[]}', headers: json, status: 400, code: 'INVALID_REQUEST', message: /body\.id: is required/ },
    { title: 'status report with an unknown state', method: 'POST', path: '/agents/h1/statuses', headers: json, status: 400, code: 'INVALID_REQUEST', message: /body\.updates\.0\.status\.state/,
      body: JSON.stringify({ id: 'agent-1', removed: [], updates: [{ timestamp: 1, status: { jobId, goal: 'START', state: 'DANCING', containerId: null, throttled: 'NO', ports: {}, env: {}, containerError: null } }] }) },
    { title: 'status report of an unknown host', method: 'POST', path: '/agents/ghost/statuses', body: '{"id":"agent-1","updates":[],"removed":[]}', headers: json, status: 404, code: 'HOST_NOT_FOUND', message: /ghost/ },
    { title: 'selector without an operator', method: 'GET', path: '/hosts?selector=role', status: 400, code: 'INVALID_REQUEST', message: /selector.*role/ },
    { title: 'selector with ==', method: 'GET', path: `/hosts?selector=${encodeURIComponent('a==b')}`, status: 400, code: 'INVALID_REQUEST', message: /selector/ },
    { title: 'bulk job statuses with an object', method: 'POST', path: '/jobs/statuses', body: '{"a":1}', headers: json, status: 400, code: 'INVALID_REQUEST', message: /array of job ids/ },
    { title: 'bulk host statuses with numbers', method: 'POST', path: '/hosts/statuses', body: '[1,2]', headers: json, status: 400, code: 'INVALID_REQUEST', message: /body\.0/ },
    { title: 'sync source named ../x', method: 'PUT', path: '/sync/sources/..%2Fx', body: '{}', headers: json, status: 400, code: 'INVALID_REQUEST', message: /path parameter name/ },
    { title: 'sync request without fields', method: 'PUT', path: '/sync/sources/s1', body: '{}', headers: json, status: 400, code: 'INVALID_REQUEST', message: /body\.\w+: is required/ },
    { title: 'status of a source never synced', method: 'GET', path: '/sync/sources/never', status: 404, code: 'SOURCE_NOT_FOUND', message: /never/ },
    { title: 'unknown method on /jobs', method: 'PATCH', path: '/jobs', body: '{}', headers: json, status: 404, code: 'NOT_FOUND', message: /PATCH \/jobs/ },
    { title: 'unknown nested path', method: 'GET', path: '/jobs/a:1/b/c', status: 404, code: 'NOT_FOUND', message: /no endpoint/ },
  ];
}

for (const engine of ENGINES) {
  test(`${engine}: malformed requests get a 4xx naming what is wrong and leave the database unchanged`, async (t) => {
    const m = await startTestMaster({ dbPath: await testDatabase(t, engine) });
    t.teardown(m.close);
    const { id } = await m.client.jobs.create({ id: 'web:1', image: 'busybox:latest', token: 'tok' });
    await m.client.hosts.register('h1', 'agent-1');
    await m.client.agents.heartbeat('h1', heartbeatBody('agent-1'));
    await m.client.deployments.deploy('h1', id, { token: 'tok' });
    const all = cases(id);
    t.true(all.length >= 30, `${all.length} cases`);
    const before = await dumpDb(m.dbPath);
    for (const c of all) {
      const res = await fetch(m.url + c.path, { method: c.method, headers: c.headers, body: c.body });
      const text = await res.text();
      let body: { status?: string; message?: string } = {};
      try {
        body = JSON.parse(text);
      } catch {
        t.fail(`${c.title}: body is not JSON: ${text.slice(0, 200)}`);
      }
      t.is(res.status, c.status, `${c.title}: ${text.slice(0, 300)}`);
      t.is(body.status, c.code, `${c.title}: ${text.slice(0, 300)}`);
      t.regex(body.message ?? '', c.message, c.title);
    }
    t.deepEqual(await dumpDb(m.dbPath), before);
    // And the master still serves.
    t.is((await m.client.jobs.get(id)).id, id);
  });

  test(`${engine}: the sync endpoint takes bodies over 1 MiB, up to its own limit (--max-sync-bytes)`, async (t) => {
    const m = await startTestMaster({ dbPath: await testDatabase(t, engine), limits: { maxSyncBytes: 3 * 1024 * 1024 } });
    t.teardown(m.close);
    // Jobs of 200 KB each, under --max-job-bytes (256 KiB): the body's size is the limit at work.
    const padding = 'x'.repeat(200_000);
    const body = (jobs: number) => JSON.stringify({ repo: 'r', branch: 'main', path: 'jobs', commit: 'c1', errors: [], jobs: Array.from({ length: jobs }, (_, i) => (
      { file: `jobs/a${i}.yaml`, spec: { name: `a${i}`, version: '1', image: 'busybox:latest', metadata: { padding } }, hosts: [], goal: 'START' })) });
    const ok = await fetch(`${m.url}/sync/sources/big`, { method: 'PUT', headers: json, body: body(8) });
    t.is(ok.status, 200);
    t.is(((await ok.json()) as { state: string }).state, 'APPLIED');
    const tooBig = await fetch(`${m.url}/sync/sources/big`, { method: 'PUT', headers: json, body: body(20) });
    t.is(tooBig.status, 413);
    t.like(await tooBig.json(), { status: 'PAYLOAD_TOO_LARGE', message: "request body is over 3 MiB, the master's --max-sync-bytes", limit: '--max-sync-bytes' });
  });
}
