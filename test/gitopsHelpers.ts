/**
 * Fixtures for the GitOps tests: a real master, a git repo served by `git http-backend` (or read
 * locally), an optional real agent, and the syncer in this process driven pass by pass.
 * @example
 *   const g = await gitops(t, { agent: true });
 *   const syncer = await g.startSyncer();
 *   await g.commit({ 'jobs/web.yaml': jobFile('web', { hosts: [g.agent!.name] }) });
 *   const { result } = await syncer.reactor.next();
 */
import type { ExecutionContext } from 'ava';
import { pino } from 'pino';
import { buildJob, isHeliosError, type HeliosClient } from '../core/index.js';
import { parseJobFile } from '../syncer/manifests/parseJobFile.js';
import { parseOptions, type SyncerConfig } from '../syncer/options.js';
import { startSyncer, type Syncer } from '../syncer/sync.js';
import { startTestAgent, type TestAgent } from './harness/agent.js';
import { commitFiles, gitRepo, removeFiles, startGitServer, type GitRepo } from './harness/gitServer.js';
import { startTestMaster, type TestMaster, type TestMasterOptions } from './harness/master.js';
import { tempDir } from './harness/processes.js';

export interface JobFileOptions {
  version?: string;
  hosts?: string[];
  goal?: 'START' | 'STOP';
  env?: Record<string, string>;
  image?: string;
  command?: string[];
}

/** A job file's YAML: a busybox that sleeps and stops quickly. */
export function jobFile(name: string, o: JobFileOptions = {}): string {
  const lines = [
    `name: ${name}`,
    `version: "${o.version ?? '1'}"`,
    `image: ${o.image ?? 'busybox:latest'}`,
    `command: ${JSON.stringify(o.command ?? ['sleep', '3600'])}`,
    'secondsToWaitBeforeKill: 1',
  ];
  if (o.env) lines.push('env:', ...Object.entries(o.env).map(([k, v]) => `  ${k}: "${v}"`));
  if (o.hosts || o.goal) {
    lines.push('deploy:');
    if (o.hosts) lines.push(`  hosts: ${JSON.stringify(o.hosts)}`);
    if (o.goal) lines.push(`  goal: ${o.goal}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The job id the master gives a job file (the same hash, computed by core). */
export function jobIdOf(file: string, text: string): string {
  const parsed = parseJobFile(file, text);
  if (!parsed.ok) throw new Error(`not a valid job file: ${JSON.stringify(parsed.errors)}`);
  return buildJob(parsed.job.spec).job.id;
}

export async function jobExists(client: HeliosClient, id: string): Promise<boolean> {
  try {
    await client.jobs.get(id);
    return true;
  } catch (err) {
    if (isHeliosError(err, 'JOB_NOT_FOUND')) return false;
    throw err;
  }
}

export interface GitopsFixture {
  master: TestMaster;
  agent?: TestAgent;
  repo: GitRepo;
  /** The repo over smart HTTP: `${server}/${name}.git`. */
  url: string;
  /** A fresh folder for a syncer's fetch cache. */
  cacheDir: string;
  commit(files: Record<string, string>, message?: string): Promise<string>;
  remove(paths: string[]): Promise<string>;
  /** The syncer's config for these parts; `args` are extra command-line flags. */
  config(args?: string[], env?: NodeJS.ProcessEnv): SyncerConfig;
  /** Starts the syncer in this process and waits for a pass (interval 1 h unless given: tests drive passes themselves). */
  startSyncer(args?: string[], env?: NodeJS.ProcessEnv): Promise<Syncer & { logs: Record<string, unknown>[] }>;
}

let sources = 0;

export async function gitops(t: ExecutionContext, o: { agent?: boolean; token?: string; files?: Record<string, string>; master?: TestMasterOptions } = {}): Promise<GitopsFixture> {
  const root = await tempDir('gitops-repo-');
  const cache = await tempDir('gitops-cache-');
  t.teardown(root.cleanup);
  t.teardown(cache.cleanup);
  const server = await startGitServer({ root: root.path, token: o.token });
  t.teardown(server.close);
  const master = await startTestMaster(o.master);
  t.teardown(master.close);
  const agent = o.agent ? await startTestAgent(t, master) : undefined;
  const repo = await gitRepo(root.path, o.files ?? { 'jobs/.gitkeep': '' });
  const url = `${server.url}/${repo.name}.git`;
  const name = `src${++sources}-${process.pid}`;
  const config = (args: string[] = [], env: NodeJS.ProcessEnv = {}) => {
    const withDefaults = [...args];
    if (!args.includes('--repo')) withDefaults.push('--repo', url);
    if (!args.includes('--name')) withDefaults.push('--name', name);
    if (!args.includes('--interval')) withDefaults.push('--interval', '1h');
    if (!args.includes('--cache-dir')) withDefaults.push('--cache-dir', `${cache.path}/${withDefaults.join('-').replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`);
    return parseOptions(['--master', master.url, ...withDefaults], env) as SyncerConfig;
  };
  return {
    master,
    agent,
    repo,
    url,
    cacheDir: cache.path,
    commit: (files, message) => commitFiles(repo.work, files, message),
    remove: (paths) => removeFiles(repo.work, paths),
    config,
    async startSyncer(args = [], env = {}) {
      const logs: Record<string, unknown>[] = [];
      const log = pino({ level: 'debug' }, { write: (line: string) => { logs.push(JSON.parse(line) as Record<string, unknown>); } });
      const syncer = await startSyncer(config(args, env), log);
      t.teardown(syncer.stop);
      // Settle: the first pass runs at start; wait for one so a test's next commit is seen by next().
      await syncer.reactor.next().catch(() => undefined);
      return Object.assign(syncer, { logs });
    },
  };
}
