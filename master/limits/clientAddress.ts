/**
 * The address a per-client limit counts a connection or a blocking query under, or undefined when it
 * is not counted. 127.0.0.1 and ::1 are the address of every process on the master's own machine
 * (agents, the syncer and `npm start` alike; the benchmark's 1,000 agents share it), so they name no
 * one client: there only the total and per-token caps apply. Other loopback addresses (127.0.0.2, …)
 * are counted like any remote one; a client has to bind one on purpose.
 */
const SHARED_LOOPBACK = new Set(['127.0.0.1', '::1']);

export function countedAddress(address: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d.
  const plain = address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
  return SHARED_LOOPBACK.has(plain) ? undefined : plain;
}
