/**
 * The dashboard in a real headless Chromium (Debian's, driven by puppeteer-core) against a real master
 * and a real agent on the session's Docker engine: sign-in with a token, the hosts page, a deploy made
 * through the API appearing on an open job page without a reload, stop, start, undeploy and deploy
 * from the page with a confirmation for a
 * deploy token and none for a read token, a wrong token seeing no data, a refused commit's file:line
 * and a dry run's plan on the sync page,
 * the diff page's changed fields, a deployment group and a rollout's progress on each host, and the
 * reconnecting state when the master goes; on a master without tokens, no sign-in, the light and dark
 * schemes (AA contrast of text in both), the "/" search, and a name for every control; a job's live
 * container logs, and a terminal in its container for an exec token (issue 20).
 * HELIOS_UI_SCREENSHOT=DIR writes the README's screenshots there.
 */
import test from 'ava';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import type { TokenEntry } from '../master/auth/tokenFile.js';
import { heartbeatBody, startTestMaster, type TestMaster } from './harness/master.js';
import { agentContainers, dockerClient, startTestAgent, waitForState } from './harness/agent.js';
import { launchBrowser } from './harness/browser.js';

const tokens: TokenEntry[] = [
  { token: 'deploy-token-0123456789', role: 'deploy', name: 'ci' },
  { token: 'read-token-0123456789', role: 'read', name: 'dashboard' },
  { token: 'exec-token-0123456789', role: 'exec', name: 'oncall' },
  { token: 'agent-token-0123456789', role: 'agent', name: 'agents' },
];
const screenshots = process.env.HELIOS_UI_SCREENSHOT;
/**
 * How long a wait for what the page must come to show may take: the browser, master and agent share
 * a loaded machine with three other test files. Still no reload and no polling, so a page that is not
 * live never gets there; how fast it is live is bench/dashboard's (p95 under 250 ms).
 */
const WAIT_MS = 60_000;

async function signIn(page: Page, m: TestMaster, token: string, hash = ''): Promise<void> {
  await page.goto(`${m.url}/${hash}`); // / redirects the browser to /ui/
  await page.waitForSelector('#token');
  await page.type('#token', token);
  await page.click('button[type="submit"]');
}

const text = (page: Page, selector: string) => page.$eval(selector, (e) => e.textContent ?? '');
/** Until the element `selector` reads `expected` (evaluated in the page: the tests' types have no DOM). */
const untilText = (page: Page, selector: string, expected: string, timeout: number) =>
  page.waitForFunction(`document.querySelector(${JSON.stringify(selector)})?.textContent === ${JSON.stringify(expected)}`, { timeout });

test('the job page shows the task\'s container logs, and a line printed later without a reload (issue 20)', async (t) => {
  const m = await startTestMaster({ tokens });
  t.teardown(m.close);
  const agent = await startTestAgent(t, m, { token: 'agent-token-0123456789' });
  const { id } = await m.client.jobs.create({ id: 'talker:1', image: 'busybox:latest', command: ['sh', '-c', 'echo hello-from-the-container; exec sleep 3600'], secondsToWaitBeforeKill: 1 });
  await m.client.deployments.deploy(agent.name, id);
  await waitForState(m, id, agent.name, 'RUNNING');
  const browser = await launchBrowser(t);
  const page = await browser.newPage();
  await signIn(page, m, 'read-token-0123456789', `ui/#/jobs/${encodeURIComponent(id)}`);
  const logsHave = (word: string) => page.waitForFunction(`/${word}/.test(document.querySelector('pre.logs')?.textContent ?? '')`, { timeout: WAIT_MS });
  await logsHave('hello-from-the-container');
  t.is(await page.$eval('pre.logs', (e) => e.getAttribute('aria-label')), `Logs of ${agent.name}`);
  const [container] = await agentContainers(agent.name);
  const exec = await dockerClient().getContainer(container.Id).exec({ Cmd: ['sh', '-c', 'echo printed-later > /proc/1/fd/1'] });
  (await exec.start({})).resume();
  await logsHave('printed-later');
});

test('exec token: a terminal in the task\'s container from the job page after a confirmation: keys reach the shell, its output shows, it follows the window\'s size, the exit code shows, the exec is audited, a refused one says why; a deploy token has no terminal (issue 20)', async (t) => {
  const m = await startTestMaster({ tokens });
  t.teardown(m.close);
  const agent = await startTestAgent(t, m, { token: 'agent-token-0123456789' });
  const { id } = await m.client.jobs.create({ id: 'shell:1', image: 'busybox:latest', command: ['sleep', '3600'], init: true, secondsToWaitBeforeKill: 1 });
  await m.client.deployments.deploy(agent.name, id);
  await waitForState(m, id, agent.name, 'RUNNING');
  const browser = await launchBrowser(t);
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await signIn(page, m, 'exec-token-0123456789', `ui/#/jobs/${encodeURIComponent(id)}`);
  await page.waitForSelector('form[data-terminal] button[type="submit"]');
  // Cancel runs nothing; Run opens the terminal.
  await page.click('form[data-terminal] button[type="submit"]');
  await page.waitForSelector('dialog[open] button:not(.primary)');
  t.regex(await text(page, 'dialog[open]'), new RegExp(`Run sh in shell:1.*'s container on ${agent.name}\\? The master records every exec`));
  await page.click('dialog[open] button:not(.primary)');
  await page.waitForSelector('dialog[open]', { hidden: true });
  t.deepEqual((await m.client.audit({ job: id })).events.filter((e) => e.action === 'exec'), []);
  await page.click('form[data-terminal] button[type="submit"]');
  await page.waitForSelector('dialog[open] button.primary');
  await page.click('dialog[open] button.primary');
  await page.waitForSelector('.exec-terminal .xterm-rows', { timeout: WAIT_MS });
  const screen = () => page.$eval('.exec-terminal .xterm-rows', (e) => (e as unknown as { innerText: string }).innerText);
  const onScreen = (pattern: RegExp) => page.waitForFunction(`${pattern}.test(document.querySelector('.exec-terminal .xterm-rows')?.innerText ?? '')`, { timeout: WAIT_MS })
    .catch(async (err: Error) => { throw new Error(`${err.message}: ${pattern} not on the terminal's screen: ${JSON.stringify(await screen())}`); });
  await onScreen(/#\s*$/m); // the shell's prompt
  await page.keyboard.type('echo hi-$((6*7))');
  await page.keyboard.press('Enter');
  await onScreen(/^hi-42\s*$/m);
  // The command's terminal is the size of the one on the page, and follows it when the window shrinks.
  await page.keyboard.type('stty size');
  await page.keyboard.press('Enter');
  await onScreen(/^\d+ \d+\s*$/m);
  const sizes = () => screen().then((text) => [...text.matchAll(/^(\d+) (\d+)\s*$/gm)].map((match) => Number(match[2])));
  const [wide] = await sizes();
  t.true(wide > 100, `${wide} columns in a 1280-pixel page`);
  await page.setViewport({ width: 700, height: 900 });
  let narrow = wide;
  for (const deadline = Date.now() + WAIT_MS; narrow === wide && Date.now() < deadline;) {
    await page.keyboard.type('stty size');
    await page.keyboard.press('Enter');
    await new Promise((resolve) => setTimeout(resolve, 300));
    narrow = (await sizes()).at(-1) ?? wide;
  }
  t.true(narrow < wide * 0.7, `${wide} columns, then ${narrow} in a 700-pixel page`);
  await page.keyboard.type('exit 3');
  await page.keyboard.press('Enter');
  await untilText(page, '[data-terminal-ended]', 'The command exited with code 3.', WAIT_MS);
  const [audited] = (await m.client.audit({ job: id })).events.filter((e) => e.action === 'exec');
  t.like(audited, { token: 'oncall', host: agent.name, detail: { command: ['sh'], tty: true, stdin: true } });

  // A refused terminal says why (the browser is told nothing of a refused upgrade: the page asks).
  await m.clientWith({ token: 'agent-token-0123456789' }).hosts.register('ghost', 'agent-of-no-one');
  await m.client.deployments.deploy('ghost', id);
  await page.waitForFunction('[...document.querySelectorAll("form[data-terminal] select option")].some((o) => o.textContent === "ghost")', { timeout: WAIT_MS });
  await page.select('form[data-terminal] select', 'ghost');
  await page.click('form[data-terminal] button[type="submit"]');
  await page.waitForSelector('dialog[open] button.primary');
  await page.click('dialog[open] button.primary');
  await page.waitForFunction(`/The terminal failed: .*ghost.*\\(AGENT_NOT_CONNECTED\\)/.test(document.querySelector('[data-terminal-ended]')?.textContent ?? '')`, { timeout: WAIT_MS });

  const deployer = await browser.newPage();
  await signIn(deployer, m, 'deploy-token-0123456789', `ui/#/jobs/${encodeURIComponent(id)}`);
  await deployer.waitForSelector(`[data-task-host="${agent.name}"]`);
  t.is(await deployer.$('form[data-terminal]'), null, 'no terminal for a deploy token');
});

test('deploy token: hosts, a deploy through the API appears live on the job page; stop, start, undeploy and deploy from the page, each with a confirmation', async (t) => {
  const m = await startTestMaster({ tokens });
  t.teardown(m.close);
  const agent = await startTestAgent(t, m, { token: 'agent-token-0123456789', labels: { role: 'web' } });
  const browser = await launchBrowser(t);
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 720 });
  await signIn(page, m, 'deploy-token-0123456789');
  t.is(new URL(page.url()).pathname, '/ui/');
  await untilText(page, `[data-host="${agent.name}"] .state`, 'UP', WAIT_MS);
  t.regex(await text(page, `[data-host="${agent.name}"]`), /role=web/);
  t.is(await text(page, '[data-who]'), 'ci (deploy)');

  const { id } = await m.client.jobs.create({ id: 'web:1', image: 'busybox:latest', command: ['sleep', '3600'], init: true, secondsToWaitBeforeKill: 1 });
  await page.goto(`${m.url}/ui/#/jobs/${encodeURIComponent(id)}`);
  await page.waitForSelector('h1#job-title');
  await page.evaluate('window.notReloaded = true');
  await m.client.deployments.deploy(agent.name, id);
  await waitForState(m, id, agent.name, 'RUNNING');
  const state = `[data-task-host="${agent.name}"] [data-state]`;
  await untilText(page, state, 'RUNNING', WAIT_MS);
  t.is(await page.evaluate('window.notReloaded'), true, 'the page was not reloaded');
  // The timeline is a load of its own on the same change: on a loaded machine it may land after the task's state.
  await page.waitForFunction('/RUNNING/.test(document.querySelector("ol.timeline")?.textContent ?? "")', { timeout: WAIT_MS });
  if (screenshots) await page.screenshot({ path: join(screenshots, 'screenshot-job.png') });

  // Stop asks first; Cancel changes nothing, Confirm stops it.
  await page.click(`button[aria-label="Stop on ${agent.name}"]`);
  await page.waitForSelector('dialog[open] button:not(.primary)');
  await page.click('dialog[open] button:not(.primary)');
  await page.waitForSelector('dialog[open]', { hidden: true });
  t.is((await m.client.deployments.get(agent.name, id)).goal, 'START');
  await page.click(`button[aria-label="Stop on ${agent.name}"]`);
  await page.waitForSelector('dialog[open] button.primary');
  await page.click('dialog[open] button.primary');
  await untilText(page, state, 'STOPPED', WAIT_MS);
  t.is((await m.client.deployments.get(agent.name, id)).goal, 'STOP');
  // Start, Undeploy and Deploy (the form) ask first too, and do what they say.
  const confirmed = async (selector: string) => {
    await page.click(selector);
    await page.waitForSelector('dialog[open] button.primary');
    await page.click('dialog[open] button.primary');
    await page.waitForSelector('dialog[open]', { hidden: true });
  };
  await confirmed(`button[aria-label="Start on ${agent.name}"]`);
  await untilText(page, state, 'RUNNING', WAIT_MS);
  t.is((await m.client.deployments.get(agent.name, id)).goal, 'START');
  await confirmed(`button[aria-label="Undeploy from ${agent.name}"]`);
  await page.waitForSelector(`[data-task-host="${agent.name}"]`, { hidden: true, timeout: WAIT_MS });
  t.deepEqual(Object.keys((await m.client.jobs.status(id)).deployments), [], 'undeployed');
  await page.type('form.toolbar input[list]', agent.name);
  await confirmed('form.toolbar button[type="submit"]');
  await untilText(page, state, 'RUNNING', WAIT_MS);
  t.like((await m.client.jobs.status(id)).deployments[agent.name], { goal: 'START' });
  if (screenshots) {
    await page.goto(`${m.url}/ui/#/`);
    await page.waitForSelector(`[data-host="${agent.name}"] .state`);
    await page.screenshot({ path: join(screenshots, 'screenshot-hosts.png') });
  }
});

test('read token: data but no action buttons; a refused commit shows file:line and a dry run its plan, live; the diff page shows the changed fields; groups and a rollout host by host; reconnecting when the master goes', async (t) => {
  const m = await startTestMaster({ tokens });
  t.teardown(m.close);
  const deployer = m.client;
  const agent = m.clientWith({ token: 'agent-token-0123456789' });
  await agent.hosts.register('h1', 'a1');
  const one = await deployer.jobs.create({ id: 'api:1', image: 'busybox:latest', env: { LOG: 'info' } });
  const two = await deployer.jobs.create({ id: 'api:2', image: 'busybox:1.36', env: { LOG: 'debug' } });
  await deployer.deployments.deploy('h1', one.id);
  await deployer.sync.apply('apps', { repo: 'http://127.0.0.1/r.git', branch: 'main', path: 'jobs', commit: 'c1', jobs: [],
    errors: [{ file: 'jobs/bad.yaml', line: 3, message: 'image: must be a string' }] });
  const browser = await launchBrowser(t);
  const page = await browser.newPage();
  await signIn(page, m, 'read-token-0123456789', `ui/#/jobs/${encodeURIComponent(one.id)}`);
  await page.waitForSelector('[data-task-host="h1"]');
  t.is(await page.$$eval('main button', (buttons) => buttons.filter((b) => /Deploy|Stop|Start|Undeploy/.test(b.textContent ?? '')).length), 0);
  t.is(await page.$('form input[list]'), null, 'no deploy form');

  await page.goto(`${m.url}/ui/#/sync`);
  await page.waitForSelector('[data-source="apps"]');
  t.regex(await text(page, '[data-source="apps"]'), /ERROR.*jobs\/bad\.yaml:3 image: must be a string/s);
  t.regex(await text(page, '[data-source="apps"] [data-plan]'), /^none/);
  // A dry run (helios-syncer --dry-run) of the next commit: its plan appears on the open page.
  await deployer.sync.apply('apps', { repo: 'http://127.0.0.1/r.git', branch: 'main', path: 'jobs', commit: 'c2', dryRun: true, errors: [],
    jobs: [{ file: 'jobs/web.yaml', lines: {}, spec: { name: 'web', version: '1', image: 'busybox:latest' }, hosts: ['h1'], goal: 'START' }] });
  await page.waitForSelector('[data-source="apps"] [data-plan] ul[aria-label="What commit c2 would change"]', { timeout: WAIT_MS });
  t.regex(await text(page, '[data-source="apps"] [data-plan]'), /^PLANNED c2 .*ago\s*create web:1:[0-9a-f]{7}deploy web:1:[0-9a-f]{7} on h1 \(START\)$/);

  await page.goto(`${m.url}/ui/#/diff/${encodeURIComponent(one.id)}/${encodeURIComponent(two.id)}`);
  await page.waitForSelector('tr[data-field]');
  const rows = await page.$$eval('tr[data-field]', (trs) => trs.map((tr) => [tr.getAttribute('data-field'), tr.className]));
  t.deepEqual(rows, [['env.LOG', 'changed'], ['image', 'changed']]);

  await deployer.deploymentGroups.create({ name: 'api-group', hostSelectors: [{ label: 'role', operator: 'EQUALS', operand: 'api' }] });
  await page.goto(`${m.url}/ui/#/groups`);
  await page.waitForSelector('article[aria-label="Group api-group"]');
  t.regex(await text(page, 'article[aria-label="Group api-group"] h2'), /api-group\s*IDLE/);
  t.truthy(await page.$('nav a[href="#/groups"]'), 'the Groups page is listed, the master having /deployment-group/');
  // h1 joins the group; a rollout to api:2 waits there for a RUNNING no agent will report: h1's row says so.
  await agent.agents.heartbeat('h1', heartbeatBody('a1', { labels: { role: 'api' } }));
  await deployer.deploymentGroups.rollingUpdate('api-group', { job: two.id });
  await page.waitForFunction('/ROLLING_OUT/.test(document.querySelector(\'article[aria-label="Group api-group"] h2\')?.textContent ?? "")', { timeout: WAIT_MS });
  t.regex(await text(page, '[data-group-host="h1"]'), /^h1.*IN_PROGRESS$/);
  t.regex(await text(page, 'article[aria-label="Group api-group"]'), /Rollout \d+: step \d of 3/);
  // h1 reports api:2 RUNNING: the engine's last steps (no request of anyone's) reach the open page too.
  await agent.agents.reportStatuses('h1', { id: 'a1', removed: [], updates: [{ timestamp: Date.now(), status:
    { jobId: two.id, goal: 'START', state: 'RUNNING', containerId: 'c0ffee', throttled: 'NO', ports: {}, env: {}, containerError: null } }] });
  await page.waitForFunction('/ACTIVE/.test(document.querySelector(\'article[aria-label="Group api-group"] h2\')?.textContent ?? "")', { timeout: WAIT_MS });

  await m.close();
  await page.waitForSelector('[data-live="reconnecting"]', { timeout: WAIT_MS });
  t.is(await text(page, '[data-live]'), 'Reconnecting…');
});

test('a wrong token sees no data: the sign-in says it was refused', async (t) => {
  const m = await startTestMaster({ tokens });
  t.teardown(m.close);
  await m.client.jobs.create({ id: 'secret:1', image: 'busybox:latest' });
  const browser = await launchBrowser(t);
  const page = await browser.newPage();
  await signIn(page, m, 'not-a-token-0123456789', 'ui/#/jobs');
  await page.waitForSelector('.login [role="alert"]');
  t.regex(await text(page, '.login [role="alert"]'), /refused/);
  t.false((await page.content()).includes('secret:1'));
  t.is(await page.$('table'), null);
});

/** WCAG's contrast ratio of two `#rrggbb` colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** Inputs, selects and buttons of the page without an accessible name (label, aria-label, aria-labelledby or, for a button, its text). */
const UNNAMED_CONTROLS = `[...document.querySelectorAll('input, select, textarea, button')].filter((e) =>
  !(e.getAttribute('aria-label') || e.getAttribute('aria-labelledby') || (e.id && document.querySelector('label[for="' + e.id + '"]'))
    || e.closest('label') || (e.tagName === 'BUTTON' && e.textContent.trim()))).map((e) => e.outerHTML.slice(0, 120))`;

test('a master without tokens: no sign-in, the data at once; light or dark as the browser prefers, text at AA contrast in both; "/" searches; every control has a name', async (t) => {
  const m = await startTestMaster();
  t.teardown(m.close);
  await m.client.hosts.register('h1', 'a1');
  await m.client.jobs.create({ id: 'web:1', image: 'busybox:latest' });
  await m.client.jobs.create({ id: 'api:1', image: 'busybox:latest' });
  const browser = await launchBrowser(t);
  const page = await browser.newPage();
  const colours = () => page.evaluate(`(() => { const s = getComputedStyle(document.documentElement);
    return ['--bg', '--panel', '--text', '--muted'].map((v) => s.getPropertyValue(v).trim()); })()`) as Promise<string[]>;
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
  await page.goto(`${m.url}/`);
  await page.waitForSelector('[data-host="h1"]');
  t.is(await page.$('#token'), null, 'no sign-in on a master without tokens');
  const light = await colours();
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
  const dark = await colours();
  t.notDeepEqual(dark, light, 'the dark scheme is another');
  for (const [scheme, [bg, panel, text, muted]] of [['light', light], ['dark', dark]] as const) {
    for (const [fg, name] of [[text, 'text'], [muted, 'muted']] as const) {
      for (const back of [bg, panel]) t.true(contrast(fg, back) >= 4.5, `${scheme} ${name} ${fg} on ${back}: ${contrast(fg, back).toFixed(2)}`);
    }
  }

  for (const hash of ['#/', '#/jobs', '#/sync', '#/groups', `#/jobs/${encodeURIComponent('web:1')}`]) {
    await page.goto(`${m.url}/ui/${hash}`);
    await page.waitForSelector('main h1');
    t.deepEqual(await page.evaluate(UNNAMED_CONTROLS), [], hash);
  }
  await page.goto(`${m.url}/ui/#/jobs`);
  await page.waitForSelector('table[aria-label="Jobs"] tbody tr');
  await page.keyboard.press('/');
  t.is(await page.evaluate('document.activeElement?.getAttribute("type") ?? document.activeElement?.tagName'), 'search');
  await page.keyboard.type('api');
  await page.waitForFunction('document.querySelectorAll(\'table[aria-label="Jobs"] tbody tr\').length === 1', { timeout: WAIT_MS });
  t.regex(await text(page, 'table[aria-label="Jobs"] tbody tr'), /^api:1/);
});
