import { HeliosError } from '../core/errors/HeliosError.js';
import { terminalText } from './terminalText.js';

/** What a failed command shows: its one stderr line, its --json value and its exit code. */
export interface ErrorReport {
  line: string;
  json: Record<string, unknown>;
  exitCode: number;
  /** What -v adds: the cause's stack, or a bug's own. */
  detail?: string;
}

/**
 * A HeliosError exits with its registry exit code and its message; anything else is a bug and exits 1
 * with its message (the stack with -v). The message may be the master's: escaped like everything
 * else that reaches a terminal (terminalText.ts).
 */
export function errorReport(err: unknown, verbose: boolean): ErrorReport {
  if (err instanceof HeliosError) {
    return {
      line: `helios: ${terminalText(err.message)}`,
      json: { status: err.code, message: err.message, ...detail(err) },
      exitCode: err.exitCode,
      detail: verbose && err.cause instanceof Error ? `caused by: ${err.cause.stack ?? err.cause.message}` : undefined,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    line: `helios: ${terminalText(message)}`,
    json: { status: 'INTERNAL_ERROR', message },
    exitCode: 1,
    detail: verbose && err instanceof Error && err.stack ? err.stack : 'helios: this is a bug in the helios command; run again with -v for the stack trace',
  };
}

/** The error's structured data for --json, e.g. `errors` of INVALID_JOB_DEFINITION. */
const detail = (err: HeliosError) => Object.fromEntries(Object.entries(err.data).filter(([k]) => k !== 'status' && k !== 'message'));
