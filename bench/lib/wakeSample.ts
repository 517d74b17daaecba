import type { DesiredTasks } from '../../core/index.js';
import { seg, type createJsonClient } from './http.js';

type JsonClient = ReturnType<typeof createJsonClient>;

/** A host with one job to deploy and undeploy, registered through `api`; its agent's first index read through `reader`. */
export async function wakeFixture(api: JsonClient, reader: JsonClient, jobName: string) {
  const host = 'bench-host';
  await api.request('PUT', `/hosts/${host}?id=bench-agent`);
  const { id } = await api.request<{ id: string }>('POST', '/jobs', { id: `${jobName}:1`, image: 'busybox:latest' });
  const { index } = await reader.request<DesiredTasks>('GET', `/agents/${host}/tasks?index=0&wait=0&id=bench-agent`);
  return { host, id, index };
}

/**
 * One sample of a blocking query's wake-up: the query waits on `waiter` at `index` while `writer`
 * deploys the job (`deploy`) or undeploys it; times in performance.now() ms.
 */
export async function wakeSample(waiter: JsonClient, writer: JsonClient, o: { host: string; id: string; index: number; deploy: boolean }) {
  const poll = waiter.request<DesiredTasks>('GET', `/agents/${o.host}/tasks?index=${o.index}&wait=60000&id=bench-agent`)
    .then((answer) => ({ answer, at: performance.now() }));
  await new Promise((r) => setTimeout(r, 15)); // let the long-poll reach its master and start waiting
  const sent = performance.now();
  await writer.request(o.deploy ? 'PUT' : 'DELETE', `/hosts/${o.host}/jobs/${seg(o.id)}`, o.deploy ? { job: o.id, goal: 'START' } : undefined);
  const answered = performance.now();
  const { answer, at } = await poll;
  return { index: answer.index, sent, answered, at };
}
