import type { FastifyBaseLogger } from 'fastify';
import type { Store } from '../store/store.js';
import type { Actor } from '../actions/guards.js';
import type { Retention } from './retention.js';

/** What every reaper gets. */
export interface ReaperContext {
  store: Store;
  log: FastifyBaseLogger;
  /** The master, as the audit log names it (token `master`). */
  actor: Actor;
  downAfterMs: number;
  retention: Retention;
  /** The master is closing: leave the rest for another run. */
  stopped(): boolean;
}

/** One reaper: a bounded pass over what it reaps, run once per interval. */
export type Reaper = (ctx: ReaperContext, now: number) => Promise<void>;
