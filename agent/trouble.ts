import type { Logger } from 'pino';

/** How the log says it: `<what> <failing>: <reason>`, then `<what> <recovered>`. */
export interface TroubleWords {
  failing: string;
  recovered: string;
}

const UNREACHABLE: TroubleWords = { failing: 'unreachable', recovered: 'reachable again' };

/**
 * Logs a failing dependency once when it starts failing and once when it recovers, never on every
 * attempt. `message` holds the current reason (for the heartbeat's `dockerError`), null when fine.
 */
export function createTrouble(log: Logger, what: string, describe: (err: unknown) => string, words: TroubleWords = UNREACHABLE) {
  let message: string | null = null;
  return {
    get message() { return message; },
    fail(err: unknown): boolean {
      const reason = describe(err);
      const first = message === null;
      if (first) log.error({ err, reason }, `${what} ${words.failing}: ${reason}`);
      message = reason;
      return first;
    },
    ok(): boolean {
      if (message === null) return false;
      log.info(`${what} ${words.recovered}`);
      message = null;
      return true;
    },
  };
}

export type Trouble = ReturnType<typeof createTrouble>;
