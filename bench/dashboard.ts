/**
 * The dashboard and GET /metrics at fleet size: a real master (child process) with 10,000 jobs and
 * 20,000 deployments over 1,000 simulated hosts (registered, heartbeating once, every task reported
 * RUNNING), and Debian's Chromium headless (puppeteer-core).
 *
 * - GET /metrics: a scrape (every gauge read from the store) next to GET /version.
 * - First screen: from navigation to the hosts page (first 50 hosts with their statuses) and to the
 *   jobs page (first 50 jobs with where they run) on screen, in a fresh browser context each time
 *   (nothing cached), next to loading /ui/index.html alone.
 * - Update to screen: an agent's status report for a task shown on an open job page, from sending the
 *   report to the new state in the page's DOM, next to the report's own round trip.
 */
import type { Browser, Page } from 'puppeteer-core';
import { latencyFigures, type BenchOptions, type Figure } from './lib/figures.js';
import { createJsonClient, seg, type JsonClient } from './lib/http.js';
import { startMaster, type MasterProcess } from './lib/masterProcess.js';
import { registerHosts, syncApplyJobs } from './lib/populate.js';
import { pool } from './lib/pool.js';
import { agentId } from './sim/simAgent.js';
import { launchChromium } from '../test/harness/browser.js';
import type { HostStatus, TaskStatus } from '../core/index.js';

const sizes = {
  full: { hosts: 1_000, jobs: 10_000, metricsSamples: 30, loadSamples: 5, updateSamples: 30 },
  quick: { hosts: 100, jobs: 1_000, metricsSamples: 10, loadSamples: 3, updateSamples: 10 },
};

/**
 * How often the page is asked whether the screen shows what is awaited: puppeteer's 'mutation'
 * polling misses text changed in place (Preact updates a text node's data), so every 5 ms, which
 * bounds the error of each sample.
 */
const POLL_MS = 5;

const task = (jobId: string, state: TaskStatus['state']): TaskStatus =>
  ({ jobId, goal: 'START', state, containerId: 'c0ffee', throttled: 'NO', ports: {}, env: {}, containerError: null });

export async function run(options: BenchOptions = {}): Promise<Figure[]> {
  const size = options.quick ? sizes.quick : sizes.full;
  const log = options.log ?? (() => {});
  let master: MasterProcess | undefined;
  let browser: Browser | undefined;
  try {
    master = await startMaster({ args: ['--down-after', String(10 * 60_000)] });
    const api = createJsonClient({ baseUrl: master.baseUrl, timeoutMs: 120_000 });
    const hosts = Array.from({ length: size.hosts }, (_, i) => `sim-${String(i).padStart(4, '0')}`);
    log(`registering ${hosts.length} hosts, sync-applying ${size.jobs} jobs on 2 hosts each`);
    await registerHosts(api, hosts, agentId);
    await syncApplyJobs(api, 'bench', 0, size.jobs, (j) => [hosts[(2 * j) % hosts.length], hosts[(2 * j + 1) % hosts.length]]);
    log('every host heartbeats and reports its tasks RUNNING');
    await reportAllRunning(api, hosts);

    const version = () => api.request('GET', '/version');
    log('sampling GET /metrics');
    let metricsBytes = 0;
    const metrics = await alternate(version, async () => {
      const response = await fetch(`${master!.baseUrl}/metrics`);
      metricsBytes = (await response.text()).length;
    }, size.metricsSamples);

    browser = await launchChromium();
    log('sampling the first screen of the hosts and jobs pages');
    const shell = (page: Page) => page.goto(`${master!.baseUrl}/ui/`, { waitUntil: 'load' }).then(() => {});
    const hostsPage = (page: Page) => firstScreen(page, `${master!.baseUrl}/ui/`,
      'document.querySelectorAll("[data-host] .state").length === 50');
    const jobsPage = (page: Page) => firstScreen(page, `${master!.baseUrl}/ui/#/jobs`,
      '[...document.querySelectorAll(\'table[aria-label="Jobs"] tbody tr td:nth-child(4)\')].filter((td) => td.textContent !== "").length === 50');
    const shellMs: number[] = [];
    const hostsMs: number[] = [];
    const jobsMs: number[] = [];
    for (let i = 0; i < size.loadSamples; i++) {
      shellMs.push(await inFreshContext(browser, shell));
      hostsMs.push(await inFreshContext(browser, hostsPage));
      jobsMs.push(await inFreshContext(browser, jobsPage));
    }

    log('sampling a status report → the open job page showing it');
    const update = await updateToScreen(browser, api, master.baseUrl, size.updateSamples);
    return [
      ...latencyFigures('GET /metrics', metrics.a, { name: 'GET /version', samples: metrics.base }, ['median', 'p95'], { op: '<', value: 100 })
        .map((f) => ({ ...f, note: `${f.note}, ${size.jobs} jobs × ${size.hosts} hosts, ${Math.round(metricsBytes / 1024)} KB` })),
      ...latencyFigures('first screen: hosts page', hostsMs, { name: 'index.html load', samples: shellMs }, ['median', 'p95'], { op: '<', value: 1500 }),
      ...latencyFigures('first screen: jobs page', jobsMs, { name: 'index.html load', samples: shellMs }, ['median', 'p95'], { op: '<', value: 1500 }),
      ...latencyFigures('task state change → on screen', update.screen, { name: 'the status report POST', samples: update.post }, ['median', 'p95'], { op: '<', value: 250 }),
    ];
  } finally {
    await browser?.close();
    await master?.stop();
  }
}

/** Each host's heartbeat and one status report with all its tasks RUNNING (the hosts' tasks read 100 hosts at a time). */
async function reportAllRunning(api: JsonClient, hosts: string[]): Promise<void> {
  const batches = Array.from({ length: Math.ceil(hosts.length / 100) }, (_, b) => hosts.slice(b * 100, (b + 1) * 100));
  for (const batch of batches) {
    const statuses = await api.request<Record<string, HostStatus>>('POST', '/hosts/statuses', batch);
    await pool(batch, 8, async (host) => {
      await api.request('POST', `/agents/${seg(host)}/heartbeat`, heartbeat(host));
      const updates = Object.keys(statuses[host].jobs).map((jobId) => ({ status: task(jobId, 'RUNNING'), timestamp: Date.now() }));
      await api.request('POST', `/agents/${seg(host)}/statuses`, { id: agentId(host), updates, removed: [] });
    });
  }
}

const heartbeat = (host: string) => ({
  id: agentId(host),
  hostInfo: { hostname: host, uname: 'Linux', architecture: 'x86_64', osName: 'Linux', osVersion: '6', cpus: 2, loadAvg: 0, memoryTotalBytes: 1, memoryFreeBytes: 1,
    swapTotalBytes: 0, swapFreeBytes: 0, uptime: 1, dockerVersion: { version: '24.0', apiVersion: '1.43' }, dockerHost: 'unix:///var/run/docker.sock' },
  agentInfo: { name: host, version: 'bench', startTime: Date.now(), uptime: 1 },
  labels: { role: 'bench' }, environment: {}, dockerError: null,
});

/** `a` and `base` sampled alternately, so that the machine's load moves both alike. */
async function alternate(base: () => Promise<unknown>, a: () => Promise<unknown>, samples: number) {
  const out = { a: [] as number[], base: [] as number[] };
  for (let i = 0; i < samples; i++) {
    for (const [fn, into] of [[base, out.base], [a, out.a]] as const) {
      const t0 = performance.now();
      await fn();
      into.push(performance.now() - t0);
    }
  }
  return out;
}

/** `measure(page)` in a browser context of its own (cold cache, no session): its milliseconds. */
async function inFreshContext(browser: Browser, measure: (page: Page) => Promise<unknown>): Promise<number> {
  const context = await browser.createBrowserContext();
  try {
    const page = await context.newPage();
    const t0 = performance.now();
    await measure(page);
    return performance.now() - t0;
  } finally {
    await context.close();
  }
}

async function firstScreen(page: Page, url: string, ready: string): Promise<void> {
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(ready, { polling: POLL_MS, timeout: 30_000 });
}

/** A host of its own with one job: its reports alternate RUNNING and STARTING while its job page is open. */
async function updateToScreen(browser: Browser, api: JsonClient, baseUrl: string, samples: number) {
  const host = 'ui-bench';
  await api.request('PUT', `/hosts/${host}?id=${seg(agentId(host))}`);
  const { id } = await api.request<{ id: string }>('POST', '/jobs', { name: 'ui-bench', version: '1', image: 'busybox:latest' });
  await api.request('PUT', `/hosts/${host}/jobs/${seg(id)}`, { job: id, goal: 'START' });
  const page = await browser.newPage();
  await page.goto(`${baseUrl}/ui/#/jobs/${encodeURIComponent(id)}`);
  await page.waitForSelector('[data-live="live"]');
  await page.waitForSelector(`[data-task-host="${host}"]`);
  const out = { screen: [] as number[], post: [] as number[] };
  for (let i = 0; i < samples; i++) {
    const state = i % 2 === 0 ? 'RUNNING' : 'STARTING';
    const shown = page.waitForFunction(`document.querySelector('[data-task-host="${host}"] [data-state]')?.textContent === "${state}"`,
      { polling: POLL_MS, timeout: 10_000 });
    const t0 = performance.now();
    await api.request('POST', `/agents/${host}/statuses`, { id: agentId(host), updates: [{ status: task(id, state), timestamp: Date.now() }], removed: [] });
    out.post.push(performance.now() - t0);
    await shown;
    out.screen.push(performance.now() - t0);
  }
  await page.close();
  return out;
}
