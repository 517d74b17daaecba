/**
 * Solo's stop request: Ctrl-C (SIGINT), SIGTERM, or SIGHUP (the terminal closed). Listened for from
 * the first line of solo, so a Ctrl-C during start-up still stops what has started instead of killing
 * solo and leaving its children (each in its own process group) running. A second signal while
 * stopping calls `onForce` (kill the children now) rather than abandoning them.
 */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export interface ShutdownSignals {
  /** Resolves with the first signal's name. */
  received: Promise<string>;
  /** The first signal's name once one arrived (checked between start-up steps). */
  readonly signal: string | undefined;
  dispose(): void;
}

export function listenForShutdown(onForce: () => void): ShutdownSignals {
  let signal: string | undefined;
  let resolveReceived!: (name: string) => void;
  const received = new Promise<string>((resolve) => { resolveReceived = resolve; });
  const handler = (name: NodeJS.Signals) => {
    if (signal === undefined) {
      signal = name;
      resolveReceived(name);
    } else {
      onForce();
    }
  };
  for (const name of SIGNALS) process.on(name, handler);
  return {
    received,
    get signal() { return signal; },
    dispose: () => { for (const name of SIGNALS) process.off(name, handler); },
  };
}
