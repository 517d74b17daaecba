/**
 * Child process entry: runs many simulated agents (bench/sim/simAgent.ts) against one master and
 * reports back over IPC when each task reached its agent. Started by bench/masterScale.ts.
 */
import { createJsonClient } from '../lib/http.js';
import { createSimAgent } from './simAgent.js';
import type { FromSim, Receipt, SimStats, StartMessage, ToSim } from './messages.js';

const send = (message: FromSim) => process.send?.(message);
const stats: SimStats = { heartbeats: 0, polls: 0, reports: 0, errors: 0 };
let agents: Array<ReturnType<typeof createSimAgent>> = [];

// Receipts are sent in batches (one IPC message per tick), with the time each was taken.
let pending: Receipt[] = [];
let flushQueued = false;
function onReceived(receipt: Receipt) {
  pending.push(receipt);
  if (flushQueued) return;
  flushQueued = true;
  setImmediate(() => {
    flushQueued = false;
    const receipts = pending;
    pending = [];
    send({ type: 'received', receipts });
  });
}

async function start(m: StartMessage) {
  const api = createJsonClient({ baseUrl: m.baseUrl, owner: 'agent' });
  agents = m.hosts.map((host) => createSimAgent({ api, host, heartbeatMs: m.heartbeatMs, waitMs: m.waitMs, onReceived, stats }));
  // Start in small groups so a thousand registrations do not arrive in one burst.
  for (let i = 0; i < agents.length; i += 25) {
    await Promise.all(agents.slice(i, i + 25).map((agent, j) => agent.start(((i + j) / agents.length) * m.heartbeatMs)));
  }
  send({ type: 'ready', agents: agents.length });
}

process.on('message', (message: ToSim) => {
  if (message.type === 'start') {
    start(message).catch((err: unknown) => send({ type: 'failed', message: err instanceof Error ? err.message : String(err) }));
  } else if (message.type === 'stats') {
    send({ type: 'stats', stats });
  } else if (message.type === 'stop') {
    for (const agent of agents) agent.stop();
    send({ type: 'stats', stats });
    // Let the IPC message flush, then leave without waiting for the open long-polls.
    setTimeout(() => process.exit(0), 50);
  }
});
process.on('disconnect', () => process.exit(0));
