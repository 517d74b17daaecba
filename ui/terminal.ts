/**
 * A terminal in the page for `exec` (loaded only when one is opened: xterm.js is most of its size).
 * It speaks to `GET /jobs/:id/exec` as `helios exec -it` does, with core's own channel code: one
 * stream of core/channel/mux.ts, keys on STDIN, the output written to xterm.js no faster than it draws
 * it (the stream's window holds the rest back, up to the agent), resizes as MESSAGEs. The token goes
 * as a subprotocol (core/channel/webSocketAuth.ts): a browser's WebSocket sends no Authorization.
 */
import { Buffer } from 'buffer';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import type { MuxSocket } from '../core/channel/mux.js';
import { attachExecClient } from '../core/channel/execClient.js';
import { Channel } from '../core/channel/frames.js';
import { webSocketProtocols } from '../core/channel/webSocketAuth.js';

// core/channel/frames.ts uses Node's global Buffer when it encodes and decodes, not as it loads: the
// browser port stands in for it from here on (only this chunk has it).
(globalThis as { Buffer?: unknown }).Buffer ??= Buffer;

export interface TerminalOptions {
  jobId: string;
  host: string;
  command: string[];
  token: string;
  /** The command ended (its exit code, null when the master sent none), or the session failed (`error`). */
  onEnd(end: { exitCode: number | null; error?: string }): void;
}

export interface TerminalSession {
  /** Ends the session: the socket closes, the master closes the command's stdin. */
  close(): void;
}

/** xterm.js' own styles, served beside the app (the page's CSP loads styles from the master only). */
function loadStyles(): void {
  if (document.querySelector('link[data-xterm]')) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = './xterm.css';
  link.dataset.xterm = '';
  document.head.append(link);
}

/** The browser's WebSocket as the mux expects a socket (ws' API): binary messages as Buffers. */
function muxSocket(ws: WebSocket): MuxSocket {
  return {
    send: (data) => ws.send(data as Uint8Array<ArrayBuffer>),
    close: (code) => ws.close(code),
    on: (event: 'message' | 'close', listener: (...args: never[]) => void) => {
      if (event === 'close') ws.addEventListener('close', () => (listener as () => void)());
      else ws.addEventListener('message', (e: MessageEvent<ArrayBuffer | string>) => (listener as (data: Buffer, isBinary: boolean) => void)(
        typeof e.data === 'string' ? Buffer.from(e.data) : Buffer.from(e.data), typeof e.data !== 'string'));
    },
  } as MuxSocket;
}

export function openTerminal(element: HTMLElement, o: TerminalOptions): TerminalSession {
  loadStyles();
  const term = new Terminal({ cursorBlink: true, fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', fontSize: 13, scrollback: 5000 });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(element);
  fit.fit();
  const q = new URLSearchParams({ host: o.host, tty: 'true', stdin: 'true', cols: String(term.cols), rows: String(term.rows) });
  for (const word of o.command) q.append('command', word);
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/jobs/${encodeURIComponent(o.jobId)}/exec?${q}`;
  const ws = new WebSocket(url, webSocketProtocols(o.token));
  ws.binaryType = 'arraybuffer';
  let opened = false;
  let ended = false;
  const end = (exitCode: number | null, error?: string) => {
    if (ended) return;
    ended = true;
    resizes.disconnect();
    term.options.disableStdin = true;
    o.onEnd({ exitCode, error });
  };
  const resizes = new ResizeObserver(() => fit.fit());
  resizes.observe(element);
  ws.addEventListener('open', () => { opened = true; });
  // A refused upgrade tells the page nothing (no status, no body): ask the master the same question
  // over plain HTTP, which answers with its refusal.
  ws.addEventListener('close', () => { if (!opened) void whyRefused(url, o.token).then((why) => end(null, why)); });
  attachExecClient(muxSocket(ws), {
    // A socket gone before any stream opened (one that did open has ended it already).
    closed: () => { if (opened) end(null, 'the connection to the master closed'); },
    output: (_stream, data, release) => term.write(data, release),
    ended: ({ exitCode, error }) => {
      end(exitCode, error ? `${error.message} (${error.code})` : undefined);
      ws.close(1000);
    },
    opened: (stream) => {
      term.onData((keys) => stream.write(Channel.STDIN, Buffer.from(keys, 'utf8')));
      term.onBinary((bytes) => stream.write(Channel.STDIN, Buffer.from(bytes, 'latin1')));
      term.onResize(({ cols, rows }) => stream.message({ resize: { cols, rows } }));
      term.focus();
    },
  });
  return {
    close: () => {
      ws.close(1000);
      term.dispose();
    },
  };
}

async function whyRefused(socketUrl: string, token: string): Promise<string> {
  const url = socketUrl.replace(/^ws/, 'http');
  try {
    const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const body = await response.json() as { status?: string; message?: string };
    return response.status === 400 && body.status === 'INVALID_REQUEST'
      ? 'the master could not be reached over a WebSocket (a proxy between may not pass them)'
      : `${body.message ?? response.statusText} (${body.status ?? response.status})`;
  } catch (err) {
    return `the master cannot be reached: ${(err as Error).message}`;
  }
}
