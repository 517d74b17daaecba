import type { FastifyRequest } from 'fastify';
import { invalidRequest } from '../core/index.js';
import type { Store } from './store/store.js';
import type { Notifier } from './notifier.js';
import type { ResolvedOptions } from './options.js';
import type { Actor } from './actions/guards.js';
import type { TokenRegistry } from './auth/tokenRegistry.js';
import type { MasterSecrets } from './secrets/masterSecrets.js';
import type { MasterMetrics } from './metrics/masterMetrics.js';

/** What every route gets: the store, the notifier of blocking queries and the resolved options. */
export interface MasterContext {
  store: Store;
  notifier: Notifier;
  options: ResolvedOptions;
  /** The accepted tokens (swapped whole by a SIGHUP reload). */
  tokens: TokenRegistry;
  /** Seals and opens registry secrets (--secrets-key-file). */
  secrets: MasterSecrets;
  /** GET /metrics: what the routes count and time (metrics/masterMetrics.ts). */
  metrics: MasterMetrics;
}

// A plain name (cli, and pulumi from providers before stacks owned their resources), or a Pulumi
// stack: `pulumi:<project>/<stack>` with Pulumi's own name rules (letters, digits, `_.-`, up to 100).
const OWNER = /^(?:[a-z][a-z0-9-]{0,31}|pulumi:[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100})$/;

/** The actor of a client request, from `Helios-Owner`/`Helios-User` and `?token=&force=`. */
export function actorOf(ctx: MasterContext, request: FastifyRequest, guard: { token?: string; force?: boolean } = {}): Actor {
  const owner = header(request, 'helios-owner') ?? 'cli';
  if (owner.startsWith('git:')) throw invalidRequest('header Helios-Owner: git:<source> is set only by the sync endpoint', { field: 'Helios-Owner' });
  if (!OWNER.test(owner)) throw invalidRequest(`header Helios-Owner: ${JSON.stringify(owner.slice(0, 40))} is not an owner name (cli, pulumi:<project>/<stack>)`, { field: 'Helios-Owner' });
  const user = header(request, 'helios-user')?.slice(0, 200) || null;
  return { owner, user, tokenName: request.principal.name, master: ctx.options.name, token: guard.token, force: guard.force };
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
