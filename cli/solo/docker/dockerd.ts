import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type PrivateNetwork, createPrivateBridge, removePrivateBridge } from './bridge.js';
import { dockerRequest, pingDocker } from './dockerApi.js';
import { findProgram } from './exec.js';
import type { Log } from './log.js';
import { unmountUnder } from './mounts.js';
import { isAlive, pidUsesDir, processesInContainers, processesUsingDir, terminate } from './pids.js';

/** Temp dirs of private daemons are `<tmp>/hdk-XXXXXX`: short, as unix socket paths must stay under ~107 bytes. */
export const DAEMON_DIR_PREFIX = 'hdk-';

export interface PrivateDaemon {
  dockerHost: string;
  dir: string;
  /** The running daemon's pid (a new one after `restart`). */
  readonly pid: number;
  /**
   * Stops the daemon as a service manager would (SIGTERM, then its own shutdown, which stops its
   * containers), runs `whileDown`, and starts it again on the same data dir, socket and bridge: for
   * tests of what survives a dockerd restart. Resolves once it answers /_ping again.
   */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  /** Stops the daemon (SIGTERM, then SIGKILL), removes its bridge and its temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

/** Written first into every daemon dir, so a later run can tell a crashed run's leftovers from a live one. */
interface OwnerRecord { pid: number; network?: PrivateNetwork }

const STOP_TIMEOUT_MS = 30_000;

function daemonBase(): string {
  const base = tmpdir();
  return base.length <= 40 ? base : '/tmp';
}

function paths(dir: string) {
  return {
    socket: join(dir, 'docker.sock'),
    pidfile: join(dir, 'docker.pid'),
    dataRoot: join(dir, 'd'),
    execRoot: join(dir, 'x'),
    logFile: join(dir, 'dockerd.log'),
    ownerFile: join(dir, 'owner.json'),
  };
}

async function readPid(file: string): Promise<number | undefined> {
  const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

async function readOwner(dir: string): Promise<OwnerRecord | undefined> {
  try {
    return JSON.parse(await readFile(paths(dir).ownerFile, 'utf8')) as OwnerRecord;
  } catch {
    return undefined;
  }
}

async function logTail(dir: string, lines = 30): Promise<string> {
  const text = await readFile(paths(dir).logFile, 'utf8').catch(() => '(no dockerd log)');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Kills the private daemon's running containers first: on shutdown dockerd gives each one its own stop
 * timeout (10 s by default), and busybox as PID 1 ignores SIGTERM.
 */
async function killContainers(dockerHost: string, log: Log): Promise<void> {
  if (!(await pingDocker(dockerHost, 1_000))) return;
  try {
    const list = await dockerRequest(dockerHost, 'GET', '/containers/json');
    const ids = (JSON.parse(list.body) as Array<{ Id: string }>).map((c) => c.Id);
    await Promise.all(ids.map((id) => dockerRequest(dockerHost, 'POST', `/containers/${id}/kill`, 10_000)));
  } catch (err) {
    log(`could not kill the daemon's containers: ${String(err)}`);
  }
}

/** Stops whatever daemon lives in dir (checking the pid really is it), then removes bridge and dir. */
async function teardown(dir: string, knownPid: number | undefined, network: PrivateNetwork | undefined, log: Log): Promise<void> {
  const pid = (await readPid(paths(dir).pidfile)) ?? knownPid;
  if (pid !== undefined && (await pidUsesDir(pid, dir))) {
    log(`stopping dockerd ${pid}`);
    await killContainers(`unix://${paths(dir).socket}`, log);
    if (!(await terminate(pid, STOP_TIMEOUT_MS))) log(`dockerd ${pid} ignored SIGTERM for ${STOP_TIMEOUT_MS / 1000}s: killed it`);
  }
  // After a SIGKILL its containerd and shims outlive it; they are recognised by paths inside dir.
  for (const leftover of await processesUsingDir(dir)) {
    log(`stopping leftover process ${leftover}`);
    await terminate(leftover, 5_000);
  }
  const containerIds = await readdir(join(paths(dir).dataRoot, 'containers')).catch(() => [] as string[]);
  for (const orphan of await processesInContainers(containerIds.filter((id) => /^[0-9a-f]{64}$/.test(id)))) {
    log(`killing orphaned container process ${orphan}`);
    await terminate(orphan, 0);
  }
  await unmountUnder(dir, log);
  if (network) await removePrivateBridge(network, log);
  await rm(dir, { recursive: true, force: true, maxRetries: 3 })
    .catch((err: unknown) => log(`could not remove ${dir} (leftover mounts?): ${String(err)}`));
}

/** Cleans up the dirs of earlier runs whose owner process is gone (a crash, a SIGKILL). */
export async function cleanupStaleDaemons(log: Log): Promise<void> {
  const base = daemonBase();
  const names = (await readdir(base).catch(() => [] as string[])).filter((name) => name.startsWith(DAEMON_DIR_PREFIX));
  for (const name of names) {
    const dir = join(base, name);
    const owner = await readOwner(dir);
    if (owner && (await isAlive(owner.pid))) continue;
    // A dir without owner.json may belong to a run that has only just created it: leave young ones alone.
    if (!owner && Date.now() - (await stat(dir).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs < 10 * 60_000) continue;
    log(`cleaning up ${dir} left by an earlier run`);
    await teardown(dir, undefined, owner?.network, log);
  }
}

/**
 * Stops the private daemon of this one dir, whoever started it, and removes its bridge and the dir:
 * what a test does after a solo that died without stopping its daemon.
 */
export async function stopDaemonIn(dir: string, log: Log): Promise<void> {
  await teardown(dir, undefined, (await readOwner(dir))?.network, log);
}

/**
 * Spawns dockerd with `args` (its log appended to the dir's) and waits until it answers /_ping; its pid
 * goes to `onSpawn` at once, so that a daemon that fails to get ready can still be stopped.
 */
async function launchDockerd(dockerd: string, args: string[], dir: string, readyTimeoutMs: number, onSpawn: (pid: number) => void): Promise<void> {
  const p = paths(dir);
  const logFd = openSync(p.logFile, 'a');
  // Own process group: a Ctrl-C in the terminal reaches the tests, and we stop the daemon after them.
  const child = spawn(dockerd, args, { detached: true, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  child.unref();
  if (child.pid !== undefined) onSpawn(child.pid);
  let exitedEarly: string | undefined;
  child.on('error', (err) => (exitedEarly = err.message));
  child.on('exit', (code, signal) => (exitedEarly = `exited with ${signal ?? code}`));
  const deadline = Date.now() + readyTimeoutMs;
  while (!(await pingDocker(`unix://${p.socket}`, 1_000))) {
    if (exitedEarly || Date.now() > deadline) {
      const why = exitedEarly ? `dockerd ${exitedEarly}` : `dockerd did not answer /_ping within ${readyTimeoutMs / 1000}s`;
      throw new Error(`${why}. Last lines of ${p.logFile}:\n${await logTail(dir)}`);
    }
    await sleep(200);
  }
}

/** Starts a private dockerd under a fresh temp dir and waits until it answers /_ping. */
export async function startDockerd(opts: { log: Log; readyTimeoutMs?: number }): Promise<PrivateDaemon> {
  const { log } = opts;
  const dockerd = findProgram('dockerd');
  if (!dockerd) throw new Error('dockerd not found (install Debian\'s docker.io)');
  await cleanupStaleDaemons(log);
  const dir = await mkdtemp(join(daemonBase(), DAEMON_DIR_PREFIX));
  const p = paths(dir);
  const owner: OwnerRecord = { pid: process.pid };
  await writeFile(p.ownerFile, JSON.stringify(owner));
  let network: PrivateNetwork | undefined;
  let pid: number | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= teardown(dir, pid, network, log));
  try {
    network = await createPrivateBridge(log).catch((err: unknown) => {
      log(`private bridge failed (${String(err).split('\n')[0]}): using docker0`);
      return undefined;
    });
    await writeFile(p.ownerFile, JSON.stringify({ ...owner, network }));
    const args = ['--data-root', p.dataRoot, '--exec-root', p.execRoot, '-H', `unix://${p.socket}`, '--pidfile', p.pidfile];
    if (network) args.push('--bridge', network.bridge, '--iptables=false', '--default-address-pool', `base=${network.pool},size=24`);
    log(`starting dockerd in ${dir}${network ? ` on bridge ${network.bridge}` : ''}`);
    const dockerHost = `unix://${p.socket}`;
    const launch = async () => {
      await launchDockerd(dockerd, args, dir, opts.readyTimeoutMs ?? 60_000, (started) => (pid = started));
      log(`dockerd ${pid} ready at ${dockerHost}`);
    };
    await launch();
    return {
      dockerHost,
      dir,
      get pid() { return pid ?? 0; },
      async restart(whileDown) {
        if (pid !== undefined && !(await terminate(pid, STOP_TIMEOUT_MS))) log(`dockerd ${pid} ignored SIGTERM for ${STOP_TIMEOUT_MS / 1000}s: killed it`);
        await whileDown?.();
        log(`starting dockerd in ${dir} again`);
        await launch();
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
