import { useEffect, useRef, useState } from 'preact/hooks';
import { session } from '../api.js';
import { Confirm } from '../components.js';
import type { TerminalSession } from '../terminal.js';

/** One opened terminal: what it runs where (n tells two runs of the same command apart). */
interface Run {
  host: string;
  command: string[];
  n: number;
}

/** The words of a command line as a shell would split its simple cases: spaces, and '…' or "…" quoting. */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/**
 * A terminal in a job's container on one of its hosts, as `helios exec -it JOB HOST -- CMD` (shown
 * only to a token that may exec). It asks first: an exec is a shell in a production container, and the
 * master records it in its audit log.
 */
export function JobTerminal({ id, hosts }: { id: string; hosts: string[] }) {
  const [host, setHost] = useState(hosts[0]);
  const [line, setLine] = useState('sh');
  const [confirming, setConfirming] = useState(false);
  const [run, setRun] = useState<Run | null>(null);
  // Once the command has ended its screen stays, with why it ended, until closed or run again.
  const [ended, setEnded] = useState<string | null>(null);
  const screen = useRef<HTMLDivElement>(null);
  const shown = hosts.includes(host) ? host : hosts[0];

  useEffect(() => {
    if (!run || !screen.current) return;
    let terminal: TerminalSession | undefined;
    let gone = false;
    void import('../terminal.js').then(({ openTerminal }) => {
      if (gone || !screen.current) return;
      terminal = openTerminal(screen.current, {
        jobId: id, host: run.host, command: run.command, token: session.token(),
        onEnd: ({ exitCode, error }) => { if (!gone) setEnded(error ? `The terminal failed: ${error}` : `The command exited with code ${exitCode ?? 'unknown'}.`); },
      });
    }).catch((err: unknown) => setEnded(`The terminal could not be loaded: ${(err as Error).message}`));
    return () => {
      gone = true;
      terminal?.close();
    };
  }, [run, id]);

  const running = run !== null && ended === null;
  return (
    <>
      <h2>Terminal</h2>
      <form class="toolbar" aria-label="Terminal" data-terminal onSubmit={(e) => { e.preventDefault(); if (words(line).length > 0) setConfirming(true); }}>
        <label>Host{' '}
          <select value={shown} disabled={running} onChange={(e) => setHost((e.target as HTMLSelectElement).value)}>
            {hosts.map((h) => <option key={h} value={h}>{h}</option>)}
          </select>
        </label>
        <label>Command{' '}
          <input class="mono" value={line} disabled={running} required onInput={(e) => setLine((e.target as HTMLInputElement).value)} />
        </label>
        {!running && <button type="submit" class="primary">Open terminal</button>}
        {run && <button type="button" onClick={() => { setRun(null); setEnded(null); }}>Close terminal</button>}
      </form>
      {confirming && (
        <Confirm message={`Run ${line} in ${id}'s container on ${shown}? The master records every exec in its audit log.`} confirmLabel="Run"
          onConfirm={() => { setConfirming(false); setEnded(null); setRun({ host: shown, command: words(line), n: (run?.n ?? 0) + 1 }); }}
          onCancel={() => setConfirming(false)} />
      )}
      {ended && <p class="muted" role="status" data-terminal-ended>{ended}</p>}
      {run && <div key={run.n} ref={screen} class="exec-terminal" aria-label={`Terminal in ${id} on ${run.host}`} />}
    </>
  );
}
