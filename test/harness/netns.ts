/**
 * A network partition for tests: a network namespace of its own (`ip netns`, needs root) linked to
 * this one by a veth pair on a private /30 under 10.251.0.0/16 (local to this machine). A process run
 * with `link.wrap(...)` sees only that link (and its own loopback); unix sockets, such as the Docker
 * engine's, are not network-namespaced and still work. `cut()` takes this side's end down: packets
 * either way are dropped silently, as a dead switch would, while this side keeps its own address (its
 * local route stays, so a server listening on `hostIp` still answers here).
 * @example
 *   const link = await netnsLinkFor(t); // destroyed when the test ends, even on failure
 *   const master = await startMasterFor(t, { host: link.hostIp, ... });
 *   const agent = spawnProcess(...link.wrap(process.execPath, ['agent/bin.js', '--master', master.url]));
 *   await link.cut(); ...; await link.restore();
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { ExecutionContext } from 'ava';
import { waitFor } from './processes.js';

const run = promisify(execFile);

export interface NetnsLink {
  /** The namespace's name (`ip netns exec NAME …`). */
  ns: string;
  /** This namespace's end of the veth pair, and its address. */
  hostDev: string;
  hostIp: string;
  /** The other namespace's address. */
  nsIp: string;
  /** `[cmd, args]` that run the command inside the namespace (for spawnProcess). */
  wrap(cmd: string, args: readonly string[]): [string, string[]];
  /** Takes this side's end down: the partition. */
  cut(): Promise<void>;
  /** Brings it up again and waits for the carrier. */
  restore(): Promise<void>;
  /** Ends what runs in the namespace and deletes it with the veth pair; safe to call twice. */
  destroy(): Promise<void>;
}

const ip = async (...args: string[]): Promise<string> => {
  try {
    return (await run('ip', args)).stdout;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`ip ${args.join(' ')} failed${stderr ? `: ${stderr}` : ''} (network namespaces need root and iproute2)`, { cause: err });
  }
};

/** Namespaces of this process not yet destroyed: removed at exit if a test dies before its teardown. */
const live = new Map<string, string>();
process.on('exit', () => {
  for (const [ns, dev] of live) {
    for (const args of [['netns', 'del', ns], ['link', 'del', dev]]) {
      try { execFileSync('ip', args, { stdio: 'ignore' }); } catch { /* already gone */ }
    }
  }
});

const toInt = (addr: string) => addr.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const toAddr = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

/** The IPv4 networks this machine has addresses or routes in, as [first, last] address numbers. */
async function networksInUse(): Promise<Array<[number, number]>> {
  const text = `${await ip('-4', '-o', 'addr', 'show')}\n${await ip('-4', 'route', 'show', 'table', 'all')}`;
  const found: Array<[number, number]> = [];
  for (const [, addr, bits] of text.matchAll(/\b(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?\b/g)) {
    const size = 2 ** (32 - Number(bits ?? 32)); // an address without a prefix is one host
    const first = Math.floor(toInt(addr) / size) * size;
    found.push([first, first + size - 1]);
  }
  return found;
}

/** A /30 in 10.251.0.0/16 that no address or route here overlaps: its network number (+1 here, +2 there). */
async function freeSubnet(): Promise<number> {
  const used = await networksInUse();
  for (let attempt = 0; attempt < 100; attempt++) {
    const net = toInt('10.251.0.0') + (randomBytes(2).readUInt16BE() & ~3);
    if (!used.some(([first, last]) => first <= net + 3 && net <= last)) return net;
  }
  throw new Error('no free /30 in 10.251.0.0/16 for a test network namespace');
}

/** Creates the namespace and its veth link, both up, with unique names. */
export async function createNetnsLink(): Promise<NetnsLink> {
  const id = randomBytes(3).toString('hex');
  const ns = `helios-part-${id}`;
  const hostDev = `hp${id}h`;
  const nsDev = `hp${id}n`;
  const net = await freeSubnet();
  const hostIp = toAddr(net + 1);
  const nsIp = toAddr(net + 2);
  live.set(ns, hostDev);
  let destroyed: Promise<void> | undefined;
  const destroy = () => (destroyed ??= (async () => {
    // Only processes this link's own test started can be in a namespace of this name.
    const pids = (await ip('netns', 'pids', ns).catch(() => '')).split('\n').filter(Boolean).map(Number);
    for (const pid of pids) { try { process.kill(pid, 'SIGKILL'); } catch { /* exited */ } }
    await ip('netns', 'del', ns).catch(() => undefined);
    await ip('link', 'del', hostDev).catch(() => undefined); // gone with its peer, unless the move failed
    live.delete(ns);
  })());
  try {
    await ip('netns', 'add', ns);
    await ip('link', 'add', hostDev, 'type', 'veth', 'peer', 'name', nsDev);
    await ip('link', 'set', nsDev, 'netns', ns);
    await ip('addr', 'add', `${hostIp}/30`, 'dev', hostDev);
    await ip('link', 'set', hostDev, 'up');
    await ip('-n', ns, 'addr', 'add', `${nsIp}/30`, 'dev', nsDev);
    await ip('-n', ns, 'link', 'set', nsDev, 'up');
    await ip('-n', ns, 'link', 'set', 'lo', 'up');
    await carrier(hostDev);
  } catch (err) {
    await destroy();
    throw err;
  }
  return {
    ns, hostDev, hostIp, nsIp,
    wrap: (cmd, args) => ['ip', ['netns', 'exec', ns, cmd, ...args]],
    cut: async () => { await ip('link', 'set', hostDev, 'down'); },
    restore: async () => {
      await ip('link', 'set', hostDev, 'up');
      await carrier(hostDev);
    },
    destroy,
  };
}

/** A link destroyed when the test ends, whether it passed or not. */
export async function netnsLinkFor(t: ExecutionContext): Promise<NetnsLink> {
  const link = await createNetnsLink();
  t.teardown(link.destroy);
  return link;
}

/** Waits until the device's operational state is up (both ends of the pair are). */
async function carrier(dev: string): Promise<void> {
  await waitFor(async () => (await readFile(`/sys/class/net/${dev}/operstate`, 'utf8')).trim() === 'up',
    { timeoutMs: 10_000, intervalMs: 20, message: `${dev} up` });
}
