import { findProgram, run } from './exec.js';
import type { Log } from './log.js';

/**
 * A bridge of our own for one private dockerd. Several daemons on one machine (parallel test runs,
 * a hand-started one) must not share `docker0`: each would hand out the same container IPs on it.
 * Daemon N gets bridge `hdkN` with 10.(200+N).0.1/24 and allocates its user-defined networks from
 * the rest of 10.(200+N).0.0/16, so no two daemons' networks overlap.
 */
export interface PrivateNetwork { bridge: string; gateway: string; pool: string }

const MAX_NETWORKS = 50;

function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function overlaps(a: string, b: string): boolean {
  const [ipA, lenA = '32'] = a.split('/');
  const [ipB, lenB = '32'] = b.split('/');
  const len = Math.min(Number(lenA), Number(lenB));
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return ((ipToInt(ipA) & mask) >>> 0) === ((ipToInt(ipB) & mask) >>> 0);
}

/** Creates the first free `hdkN` bridge; undefined (daemon falls back to docker0) when that is impossible. */
export async function createPrivateBridge(log: Log): Promise<PrivateNetwork | undefined> {
  const ip = findProgram('ip');
  if (!ip) {
    log('no `ip` command: the daemon will use the default docker0 bridge');
    return undefined;
  }
  const routes = (await run(ip, ['-4', 'route', 'show'])).stdout.split('\n')
    .map((line) => line.split(' ')[0]).filter((dest) => dest && dest !== 'default');
  const links = (await run(ip, ['-o', 'link', 'show'])).stdout;
  for (let n = 0; n < MAX_NETWORKS; n++) {
    const net: PrivateNetwork = { bridge: `hdk${n}`, gateway: `10.${200 + n}.0.1/24`, pool: `10.${200 + n}.0.0/16` };
    if (links.includes(` ${net.bridge}:`) || routes.some((route) => overlaps(route, net.pool))) continue;
    try {
      await run(ip, ['link', 'add', net.bridge, 'type', 'bridge']);
    } catch (err) {
      if (String(err).includes('File exists')) continue; // another run took it just now
      log(`cannot create bridge ${net.bridge} (${String(err).split('\n')[0]}): using docker0`);
      return undefined;
    }
    await run(ip, ['addr', 'add', net.gateway, 'dev', net.bridge]);
    await run(ip, ['link', 'set', net.bridge, 'up']);
    await forwardRule('-I', net, log);
    return net;
  }
  log(`all ${MAX_NETWORKS} private bridges are taken: using docker0`);
  return undefined;
}

/** Deletes the bridge and our forward rule. Best effort: logs and carries on. */
export async function removePrivateBridge(net: PrivateNetwork, log: Log): Promise<void> {
  const ip = findProgram('ip');
  if (ip) {
    // The daemon leaves the `br-…` bridges of its user-defined networks behind; they sit inside our pool.
    const addrs = (await run(ip, ['-o', '-4', 'addr', 'show']).catch(() => ({ stdout: '' }))).stdout;
    const inPool = addrs.split('\n').map((line) => line.split(/\s+/)).filter((f) => f[2] === 'inet' && overlaps(f[3], net.pool))
      .map((f) => f[1]).filter((name) => name.startsWith('br-'));
    for (const bridge of new Set([net.bridge, ...inPool])) {
      await run(ip, ['link', 'del', bridge]).catch((err: unknown) => log(`removing bridge ${bridge}: ${String(err)}`));
    }
  }
  await forwardRule('-D', net, log);
}

/**
 * The daemon runs with --iptables=false (so it never rewrites the chains another daemon relies on);
 * with br_netfilter loaded and a FORWARD policy of DROP, traffic between its containers needs this one rule.
 */
async function forwardRule(action: '-I' | '-D', net: PrivateNetwork, log: Log): Promise<void> {
  const iptables = findProgram('iptables');
  if (!iptables) return;
  const rule = ['FORWARD', '-s', net.pool, '-d', net.pool, '-j', 'ACCEPT'];
  const exists = await run(iptables, ['-w', '-C', ...rule]).then(() => true, () => false);
  if ((action === '-I') === exists) return;
  await run(iptables, ['-w', action, ...rule]).catch((err: unknown) => log(`iptables ${action} ${rule.join(' ')}: ${String(err)}`));
}
