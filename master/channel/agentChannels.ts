import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import { HeliosError } from '../../core/index.js';
import { Mux } from '../../core/channel/mux.js';

/** A ping this often; a channel whose last ping got no pong by the next is dead (a lost machine). */
const PING_MS = 5_000;

export interface AgentChannels {
  /** Takes the channel of `host`'s agent; one it had before is closed (the agent reconnected). */
  attach(host: string, ws: WebSocket): void;
  /** The host's channel, or AGENT_NOT_CONNECTED. */
  get(host: string): Mux;
  /** Hosts with a channel now. */
  hosts(): string[];
  closeAll(): void;
}

/**
 * The agents' channels to this master (each agent keeps one to every master it is given, so any
 * master can reach it; agent/channel/). Only the agent dials: nothing connects to an agent.
 */
export function createAgentChannels(log: FastifyBaseLogger): AgentChannels {
  const channels = new Map<string, Mux>();

  return {
    attach(host, ws) {
      channels.get(host)?.close({ code: 'AGENT_NOT_CONNECTED', message: `the agent of host ${host} connected again` });
      let alive = true;
      ws.on('pong', () => { alive = true; });
      const ping = setInterval(() => {
        if (!alive) {
          log.warn({ host }, 'agent channel silent, closed');
          ws.terminate();
          return;
        }
        alive = false;
        ws.ping();
      }, PING_MS);
      ping.unref();
      const mux: Mux = new Mux(ws as never, {
        parity: 1,
        onClose: () => {
          clearInterval(ping);
          if (channels.get(host) === mux) channels.delete(host);
          log.info({ host }, 'agent channel closed');
        },
        onProtocolError: (reason) => log.warn({ host, reason }, 'agent channel: unreadable frame, closed'),
      });
      ws.on('error', (err) => log.debug({ host, err }, 'agent channel error'));
      channels.set(host, mux);
      log.info({ host }, 'agent channel open');
    },
    get(host) {
      const mux = channels.get(host);
      if (!mux || mux.closed) {
        throw new HeliosError('AGENT_NOT_CONNECTED', `the agent of host ${host} has no channel to this master (it is down, or was not given this master's address)`, { host });
      }
      return mux;
    },
    hosts: () => [...channels.keys()],
    closeAll() {
      for (const mux of channels.values()) mux.close({ code: 'AGENT_NOT_CONNECTED', message: 'the master is shutting down' });
    },
  };
}
