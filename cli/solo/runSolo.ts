/**
 * `helios solo`: master, agent and syncer on one machine. Solo only starts processes, talks to the
 * master API, and stops them in order (syncer, agent, master) on Ctrl-C.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { createClient, type HeliosClient } from '../../core/client/createClient.js';
import { HeliosError } from '../../core/errors/HeliosError.js';
import type { Output } from '../output.js';
import { startComponent, type Component, type ComponentName } from './components.js';
import { readRepo } from './gitRepo.js';
import { watchProgress } from './progress.js';

export interface SoloOptions {
  http: string;
  home?: string;
  repo?: string;
  branch?: string;
  path: string;
  agentName?: string;
  dockerHost?: string;
  bindIp: string;
  agent: boolean;
  syncer: boolean;
  cleanup: boolean;
  authToken?: string;
}

export async function runSolo(options: SoloOptions, out: Output): Promise<number> {
  const home = resolve(options.home ?? (process.env.HELIOS_HOME || join(homedir(), '.helios')));
  const logs = join(home, 'logs');
  mkdirSync(logs, { recursive: true });
  const masterUrl = `http://${options.http}`;
  const agentName = options.agentName ?? hostname();
  const env = { ...process.env, HELIOS_HOME: home, ...(options.authToken ? { HELIOS_TOKEN: options.authToken } : {}) };
  const repo = options.syncer ? await readRepo(resolve(options.repo ?? '.')) : null;
  if (options.syncer && !repo) {
    throw new HeliosError('INVALID_ARGUMENT', `${resolve(options.repo ?? '.')} is not in a git repository (give --repo PATH, or --no-syncer)`);
  }

  const components: Component[] = [];
  const start = (name: ComponentName, args: string[]) => {
    const component = startComponent(name, args, { logFile: join(logs, `${name}.log`), env });
    components.push(component);
    return component;
  };
  const dbPath = join(home, 'master.db');
  start('master', ['--http', options.http, '--db', dbPath]);
  const client = createClient({ baseUrl: masterUrl, token: options.authToken, owner: 'cli' });
  if (!(await masterAnswers(client, components[0]))) {
    out.info(`helios-master did not start; the end of ${components[0].logFile}:\n${tail(components[0].logFile)}`);
    await stopAll(components);
    return 1;
  }
  if (options.agent) {
    start('agent', ['--master', masterUrl, '--name', agentName, '--bind-ip', options.bindIp,
      ...(options.dockerHost ? ['--docker-host', options.dockerHost] : [])]);
  }
  if (repo) {
    start('syncer', ['--master', masterUrl, '--repo', repo.dir, '--branch', options.branch ?? repo.branch,
      '--path', options.path, '--name', 'local', '--watch', '--host-alias', `local=${agentName}`]);
  }

  printSummary(out, { masterUrl, dbPath, agentName: options.agent ? agentName : null, repo, options, logs });
  const progress = options.agent ? watchProgress(client, agentName, out) : { stop() {} };

  const signalled = new Promise<string>((resolveSignal) => {
    process.once('SIGINT', () => resolveSignal('SIGINT'));
    process.once('SIGTERM', () => resolveSignal('SIGTERM'));
  });
  const died = Promise.race(components.map(async (c) => ({ component: c, code: await c.exited })));
  const reason = await Promise.race([signalled, died]);
  progress.stop();

  if (typeof reason !== 'string') {
    out.info(`helios-${reason.component.name} exited (${reason.code}); the end of ${reason.component.logFile}:`);
    out.info(tail(reason.component.logFile));
    await stopAll(components);
    return 1;
  }
  out.info('stopping…');
  const byName = (name: ComponentName) => components.find((c) => c.name === name);
  await byName('syncer')?.stop();
  if (options.cleanup && options.agent) await undeployEverything(client, agentName, out);
  await byName('agent')?.stop();
  await byName('master')?.stop();
  out.info(options.cleanup ? 'stopped; containers removed' : 'stopped; containers keep running (helios solo --cleanup removes them)');
  return 0;
}

async function masterAnswers(client: HeliosClient, master: Component): Promise<boolean> {
  const deadline = Date.now() + 15_000;
  let exited = false;
  void master.exited.then(() => { exited = true; });
  while (Date.now() < deadline && !exited) {
    if (await client.version().then(() => true, () => false)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

function printSummary(out: Output, s: { masterUrl: string; dbPath: string; agentName: string | null;
  repo: Awaited<ReturnType<typeof readRepo>>; options: SoloOptions; logs: string }) {
  const { bold, dim } = out.colors;
  out.print(bold('Helios is running (solo)'));
  out.print(`  master   ${s.masterUrl}  ${dim(`database ${s.dbPath}`)}`);
  out.print(s.agentName ? `  agent    ${s.agentName}  ${dim(`Docker at ${s.options.dockerHost ?? process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock'}`)}`
    : '  agent    (none: --no-agent)');
  out.print(s.repo ? `  syncer   ${s.repo.dir} ${s.options.path}/ on ${s.options.branch ?? s.repo.branch} at ${s.repo.commit.slice(0, 7)}  ${dim('(a commit deploys at once)')}`
    : '  syncer   (none: --no-syncer)');
  out.print(`  logs     ${s.logs}`);
  const z = s.masterUrl === 'http://127.0.0.1:5801' ? '' : ` -z ${s.masterUrl}`;
  out.print(`Try: npx helios${z} hosts · npx helios${z} jobs · edit ${s.options.path}/hello.yaml and git commit`);
  out.print(dim('Ctrl-C stops master, agent and syncer; containers keep running unless --cleanup.'));
}

/** --cleanup: undeploy every job on the local agent and wait until it has removed their containers. */
async function undeployEverything(client: HeliosClient, host: string, out: Output) {
  const status = await client.hosts.status(host).catch(() => null);
  if (!status) return;
  for (const jobId of Object.keys(status.jobs)) {
    const token = (await client.jobs.get(jobId).catch(() => null))?.token;
    await client.deployments.undeploy(host, jobId, { force: true, token }).catch((err: Error) => out.info(`${jobId}: ${err.message}`));
  }
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const now = await client.hosts.status(host).catch(() => null);
    if (!now || Object.keys(now.statuses).length === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  out.info('some containers were not removed in 60 s; see the agent log');
}

async function stopAll(components: Component[]) {
  await Promise.all(components.map((c) => c.stop()));
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
