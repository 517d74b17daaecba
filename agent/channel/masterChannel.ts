import type { Logger } from 'pino';
import { WebSocket } from 'ws';
import { CLUSTER_ID_HEADER, HELIOS_VERSION, seg, type ChannelOpen, type TlsOptions } from '../../core/index.js';
import { Mux, type MuxStream } from '../../core/channel/mux.js';
import { retryDelayMs } from '../link/jitter.js';
import { tlsConnectOptions } from '../../core/client/httpFetch.js';

export interface MasterChannelOptions {
  /** Every master of the cluster: the agent keeps a channel to each, so whichever a client asks can reach it. */
  masters: string[];
  host: string;
  agentId: () => string;
  clusterId: () => string | null;
  token?: string;
  tls?: TlsOptions;
  /** A stream a master opened (logs, exec). */
  serve(stream: MuxStream, open: ChannelOpen): Promise<void>;
  log: Logger;
}

const RETRY_MIN_MS = 250;
/** The master pings every 5 s (master/channel/agentChannels.ts): a channel without one for this long is dead. */
const SILENT_MS = 15_000;
const RETRY_MAX_MS = 5_000;

const channelUrl = (master: string, host: string, agentId: string) =>
  `${master.replace(/^http/, 'ws').replace(/\/+$/, '')}/agents/${seg(host)}/channel?id=${encodeURIComponent(agentId)}`;

/**
 * The agent's channels to its masters (a WebSocket to each, `GET /agents/:host/channel`), on which
 * masters open log and exec streams (core/channel/mux.ts). The agent dials out, as for all its calls,
 * with the same token, client certificate and cluster id; it never listens on a port. A channel that
 * cannot be opened or drops is dialled again with backoff (250 ms doubling to 5 s, jittered), and a
 * master that stops answering pings is left by its ping timeout.
 */
export function startMasterChannels(o: MasterChannelOptions) {
  const sockets = new Set<WebSocket>();
  let stopped = false;

  async function keep(master: string): Promise<void> {
    let failures = 0;
    let failing = false;
    while (!stopped) {
      const opened = await connectOnce(master);
      if (stopped) return;
      if (opened) failures = 0;
      else failures += 1;
      if (!opened && !failing) o.log.debug({ master }, 'agent channel not open yet, retrying');
      failing = !opened;
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs(Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** failures))).unref());
    }
  }

  /** One channel, until it closes; whether it opened. */
  function connectOnce(master: string): Promise<boolean> {
    const clusterId = o.clusterId();
    const ws = new WebSocket(channelUrl(master, o.host, o.agentId()), {
      headers: {
        'Helios-Version': HELIOS_VERSION,
        ...(o.token && { Authorization: `Bearer ${o.token}` }),
        ...(clusterId && { [CLUSTER_ID_HEADER]: clusterId }),
      },
      ...tlsConnectOptions(o.tls),
      perMessageDeflate: false,
      handshakeTimeout: 10_000,
    });
    sockets.add(ws);
    return new Promise((resolve) => {
      let opened = false;
      let silent: NodeJS.Timeout | undefined;
      const heard = () => {
        clearTimeout(silent);
        silent = setTimeout(() => ws.terminate(), SILENT_MS).unref();
      };
      ws.on('ping', heard);
      ws.once('open', () => {
        opened = true;
        heard();
        o.log.info({ master }, 'agent channel open');
        new Mux(ws as never, {
          parity: 0,
          onOpen: (stream) => {
            void o.serve(stream, stream.header as unknown as ChannelOpen).catch((err: unknown) => {
              o.log.warn({ err, kind: stream.header.kind }, 'channel stream failed');
              stream.close({ code: (err as { code?: string }).code ?? 'INTERNAL_ERROR', message: (err as Error).message });
            });
          },
          onProtocolError: (reason) => o.log.warn({ master, reason }, 'agent channel: unreadable frame, closed'),
        });
      });
      ws.once('unexpected-response', (_req, res) => {
        o.log.debug({ master, status: res.statusCode }, 'agent channel refused');
        res.resume();
        ws.terminate();
      });
      ws.on('error', (err) => o.log.debug({ master, err }, 'agent channel error'));
      ws.once('close', () => {
        clearTimeout(silent);
        sockets.delete(ws);
        if (opened && !stopped) o.log.info({ master }, 'agent channel closed');
        resolve(opened);
      });
    });
  }

  for (const master of o.masters) void keep(master);
  return {
    stop(): void {
      stopped = true;
      for (const ws of sockets) ws.terminate();
    },
  };
}
