import { useEffect, useState } from 'preact/hooks';
import type { LogRecord } from '../../core/schema/channel.js';
import { authHeaders, seg } from '../api.js';

/** Lines kept on the page; older ones scroll away. */
const KEEP = 500;

interface Shown {
  key: number;
  text: string;
  error?: boolean;
}

/**
 * A task's live container logs on one host of the job: `GET /jobs/:id/logs?follow=true&tail=100`
 * (master/README.md, Logs and exec), read as it comes, stopped when the host changes or the page goes.
 */
export function JobLogs({ id, hosts }: { id: string; hosts: string[] }) {
  const [host, setHost] = useState(hosts[0]);
  const [lines, setLines] = useState<Shown[]>([]);
  const shown = hosts.includes(host) ? host : hosts[0];

  useEffect(() => {
    const controller = new AbortController();
    let key = 0;
    setLines([]);
    const add = (more: Shown[]) => setLines((old) => [...old, ...more].slice(-KEEP));
    void (async () => {
      const response = await fetch(`/jobs/${seg(id)}/logs?host=${seg(shown)}&follow=true&tail=100`, { headers: authHeaders(), signal: controller.signal });
      if (!response.ok || !response.body) {
        add([{ key: key++, text: `logs unavailable: HTTP ${response.status}`, error: true }]);
        return;
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let partial = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const records = (partial + value).split('\n');
        partial = records.pop()!;
        add(records.flatMap((text): Shown[] => {
          const r = JSON.parse(text) as LogRecord;
          if ('line' in r) return [{ key: key++, text: r.line, error: r.stream === 'stderr' }];
          if (r.event === 'error') return [{ key: key++, text: `${r.message} (${r.code})`, error: true }];
          return [];
        }));
      }
    })().catch((err: unknown) => {
      if (!controller.signal.aborted) add([{ key: key++, text: `logs stopped: ${(err as Error).message}`, error: true }]);
    });
    return () => controller.abort();
  }, [id, shown]);

  return (
    <>
      <h2>Logs</h2>
      <div class="toolbar">
        <label>Host{' '}
          <select value={shown} onChange={(e) => setHost((e.target as HTMLSelectElement).value)}>
            {hosts.map((h) => <option key={h} value={h}>{h}</option>)}
          </select>
        </label>
      </div>
      <pre class="logs" aria-label={`Logs of ${shown}`} aria-live="polite">
        {lines.length === 0 ? <span class="muted">No lines yet.</span> : lines.map((l) => <div key={l.key} class={l.error ? 'error' : undefined}>{l.text}</div>)}
      </pre>
    </>
  );
}
