/** Host name patterns as regular expressions (RE2, found anywhere), their bounds, and the ?status= filter. */
import test from 'ava';
import { expectError, heartbeatBody, startTestMaster, type TestMaster } from './harness/master.js';
import { ENGINES } from './harness/engines.js';

async function upHosts(m: TestMaster, names: string[]): Promise<void> {
  for (const [i, name] of names.entries()) {
    await m.client.hosts.register(name, `agent-${i}`);
    await m.client.agents.heartbeat(name, heartbeatBody(`agent-${i}`));
  }
}

const get = async (m: TestMaster, path: string) => {
  const res = await fetch(`${m.url}${path}`);
  return { status: res.status, body: await res.json() as Record<string, unknown> };
};

for (const engine of ENGINES) {
  test(`${engine}: namePattern is a regular expression found anywhere in the name; plain words still match as substrings`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    await upHosts(m, ['web-1', 'web-12', 'old-web', 'db-1.lon']);
    t.deepEqual(await m.client.hosts.list({ namePattern: 'web' }), ['old-web', 'web-1', 'web-12']);
    t.deepEqual(await m.client.hosts.list({ namePattern: '^web-[0-9]+$' }), ['web-1', 'web-12']);
    t.deepEqual(await m.client.hosts.list({ namePattern: '1\\.lon$' }), ['db-1.lon']);
    t.deepEqual(await m.client.hosts.list({ namePattern: 'db-1.lon' }), ['db-1.lon']);
    t.deepEqual(await m.client.hosts.list({ namePattern: 'nothing' }), []);
  });

  test(`${engine}: hostPattern lists the jobs deployed on hosts the regular expression is found in`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    await upHosts(m, ['edge-1', 'core-1']);
    const a = await m.client.jobs.create({ id: 'a:1', image: 'busybox:latest' });
    const b = await m.client.jobs.create({ id: 'b:1', image: 'busybox:latest' });
    await m.client.jobs.create({ id: 'c:1', image: 'busybox:latest' });
    await m.client.deployments.deploy('edge-1', a.id);
    await m.client.deployments.deploy('core-1', b.id);
    await m.client.deployments.deploy('edge-1', b.id);
    t.deepEqual(Object.keys(await m.client.jobs.list({ hostPattern: '^edge' })).sort(), [a.id, b.id]);
    t.deepEqual(Object.keys(await m.client.jobs.list({ hostPattern: 'core|nowhere' })), [b.id]);
    t.deepEqual(Object.keys(await m.client.jobs.list({ hostPattern: 'e-1', q: 'a:' })), [a.id]);
  });

  test(`${engine}: a pattern RE2 cannot run in linear time, or too big a one, is INVALID_REQUEST naming the parameter`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    await upHosts(m, ['web-1']);
    for (const pattern of ['(w)\\1', 'web(?=-)', '(web', '[a-z]{1000}x']) {
      const err = await expectError(t, m.client.hosts.list({ namePattern: pattern }), 'INVALID_REQUEST');
      t.regex(err.message, /^query parameter namePattern: invalid name pattern/, pattern);
      t.is(err.data.field, 'namePattern');
    }
    const err = await expectError(t, m.client.jobs.list({ hostPattern: '(w)\\1' }), 'INVALID_REQUEST');
    t.is(err.data.field, 'hostPattern');
  });

  test(`${engine}: a pattern slower than --pattern-timeout over the host names is refused naming the flag`, async (t) => {
    // On random a/b names RE2's DFA runs out of states for this pattern and falls back to its NFA:
    // 1-50 ms per 240-character name (measured), over the 1 ms given here on any machine; the check
    // between names stops it after the first.
    const m = await startTestMaster({ engine, limits: { patternTimeoutMs: 1 } });
    t.teardown(m.close);
    let seed = 7;
    const bit = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) >> 16) & 1;
    const names = Array.from({ length: 20 }, (_, i) => `${Array.from({ length: 240 }, () => (bit() ? 'a' : 'b')).join('')}-${i}`);
    await upHosts(m, names);
    const err = await expectError(t, m.client.hosts.list({ namePattern: 'a.{60}a.{60}b$' }), 'INVALID_REQUEST');
    t.regex(err.message, /took over 1 ms, the master's --pattern-timeout; use a simpler pattern/);
    t.is(err.data.limit, '--pattern-timeout');
  });

  test(`${engine}: ?status=UP|DOWN filters the host status endpoints: a filtered-out host is 404, the bulk answer leaves it out`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    await upHosts(m, ['up-1']);
    await m.client.hosts.register('down-1', 'agent-down');
    t.is((await get(m, '/hosts/up-1/status?status=UP')).body.status, 'UP');
    const filtered = await get(m, '/hosts/up-1/status?status=DOWN');
    t.is(filtered.status, 404);
    t.like(filtered.body, { status: 'HOST_NOT_FOUND', host: 'up-1', hostStatus: 'UP', message: 'host up-1 is UP, not DOWN (query parameter status)' });
    t.is((await get(m, '/hosts/down-1/status?status=DOWN')).body.status, 'DOWN');
    t.is((await get(m, '/hosts/up-1/status?status=up')).status, 400);
    const bulk = async (query: string) => {
      const res = await fetch(`${m.url}/hosts/statuses${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(['up-1', 'down-1', 'ghost']) });
      return Object.keys(await res.json() as object).sort();
    };
    t.deepEqual(await bulk(''), ['down-1', 'up-1']);
    t.deepEqual(await bulk('?status=UP'), ['up-1']);
    t.deepEqual(await bulk('?status=DOWN'), ['down-1']);
  });
}
