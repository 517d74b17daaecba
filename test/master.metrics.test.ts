/**
 * GET /metrics against a real master on 127.0.0.1: Prometheus' text format with the cluster's gauges
 * read from the store, deploy → RUNNING latency from a deploy to the agent's RUNNING report, sync
 * passes by outcome, HTTP requests by route pattern and code, store latency; role read at least.
 */
import test from 'ava';
import type { SyncApplyRequest, TaskStatus } from '../core/index.js';
import type { TokenEntry } from '../master/auth/tokenFile.js';
import { heartbeatBody, startTestMaster } from './harness/master.js';
import { sample, scrape } from './harness/prometheus.js';
import { ENGINES } from './harness/engines.js';

const tokens: TokenEntry[] = [
  { token: 'deploy-token-0123456789', role: 'deploy', name: 'ci' },
  { token: 'read-token-0123456789', role: 'read', name: 'prometheus' },
  { token: 'agent-token-0123456789', role: 'agent', name: 'agents' },
];
const running = (jobId: string): TaskStatus => ({
  jobId, goal: 'START', state: 'RUNNING', containerId: 'c0ffee', throttled: 'NO', ports: {}, env: {}, containerError: null,
});

for (const engine of ENGINES) {
  test(`${engine}: GET /metrics: tasks by host and state, hosts by status, deploy → RUNNING, sync passes, HTTP and store latency`, async (t) => {
    const m = await startTestMaster({ engine, tokens, downAfterMs: 60_000 });
    t.teardown(m.close);
    const agent = m.clientWith({ token: 'agent-token-0123456789' });
    await agent.hosts.register('h1', 'a1');
    await agent.hosts.register('h2', 'a2');
    await agent.agents.heartbeat('h1', heartbeatBody('a1'));
    const { id } = await m.client.jobs.create({ id: 'web:1', image: 'busybox:latest' });
    await m.client.deployments.deploy('h1', id);
    await agent.agents.reportStatuses('h1', { id: 'a1', updates: [{ status: running(id), timestamp: Date.now() }], removed: [] });
    const commit = (c: string, errors: SyncApplyRequest['errors']): SyncApplyRequest => ({
      repo: 'http://127.0.0.1/repo.git', branch: 'main', path: 'jobs', commit: c, errors,
      jobs: [{ file: 'jobs/api.yaml', lines: {}, spec: { name: 'api', version: '1', image: 'busybox:latest' }, hosts: ['h2'], goal: 'START' }],
    });
    t.is((await m.client.sync.apply('apps', commit('c1', []))).state, 'APPLIED');
    t.is((await m.client.sync.apply('apps', commit('c2', [{ file: 'jobs/bad.yaml', line: 3, message: 'bad' }]))).state, 'REFUSED');

    const { status, type, text } = await scrape(m.url, 'read-token-0123456789');
    t.is(status, 200);
    t.regex(type ?? '', /^text\/plain; version=0\.0\.4/);
    t.is(sample(text, 'helios_tasks{host="h1",state="RUNNING"}'), 1);
    t.is(sample(text, 'helios_hosts{status="UP"}'), 1);
    t.is(sample(text, 'helios_hosts{status="DOWN"}'), 1, 'h2 never sent a heartbeat');
    t.is(sample(text, 'helios_deploy_running_seconds_count'), 1);
    t.true(sample(text, 'helios_deploy_running_seconds_sum')! > 0);
    t.is(sample(text, 'helios_sync_passes_total{source="apps",outcome="APPLIED"}'), 1);
    t.is(sample(text, 'helios_sync_passes_total{source="apps",outcome="REFUSED"}'), 1);
    t.is(sample(text, 'helios_sync_duration_seconds_count{source="apps"}'), 2);
    t.is(sample(text, 'helios_http_request_duration_seconds_count{method="PUT",route="/hosts/:host/jobs/:jobId",code="200"}'), 1);
    t.is(sample(text, 'helios_http_request_duration_seconds_count{method="POST",route="/agents/:host/statuses",code="200"}'), 1);
    t.true(sample(text, 'helios_store_seconds_count{op="write"}')! >= 6);
    t.true(sample(text, 'helios_index')! > 0);
    t.is(sample(text, 'helios_blocking_queries'), 0);
    t.regex(text, /^helios_master_process_cpu_seconds_total /m);
    // A second RUNNING report of the same task (a resync) is no second deploy.
    await agent.agents.reportStatuses('h1', { id: 'a1', updates: [{ status: running(id), timestamp: Date.now() }], removed: [] });
    t.is(sample((await scrape(m.url, 'read-token-0123456789')).text, 'helios_deploy_running_seconds_count'), 1);
  });

  test(`${engine}: GET /metrics needs role read: none is 401, an agent token 403, deploy 200`, async (t) => {
    const m = await startTestMaster({ engine, tokens });
    t.teardown(m.close);
    t.is((await scrape(m.url)).status, 401);
    const refused = await scrape(m.url, 'agent-token-0123456789');
    t.is(refused.status, 403);
    t.regex(refused.text, /needs role read/);
    t.is((await scrape(m.url, 'deploy-token-0123456789')).status, 200);
  });
}
