import type { FastifyRequest } from 'fastify';
import { invalidRequest } from '../core/index.js';
import type { Store } from './store/store.js';
import type { Notifier } from './notifier.js';
import type { ResolvedOptions } from './options.js';
import type { Actor } from './actions/guards.js';

/** What every route gets: the store, the notifier of blocking queries and the resolved options. */
export interface MasterContext {
  store: Store;
  notifier: Notifier;
  options: ResolvedOptions;
}

const OWNER = /^[a-z][a-z0-9-]{0,31}$/;

/** The actor of a client request, from `Helios-Owner`/`Helios-User` and `?token=&force=`. */
export function actorOf(ctx: MasterContext, request: FastifyRequest, guard: { token?: string; force?: boolean } = {}): Actor {
  const owner = header(request, 'helios-owner') ?? 'cli';
  if (owner.startsWith('git:')) throw invalidRequest('header Helios-Owner: git:<source> is set only by the sync endpoint', { field: 'Helios-Owner' });
  if (!OWNER.test(owner)) throw invalidRequest(`header Helios-Owner: ${JSON.stringify(owner.slice(0, 40))} is not an owner name (cli, pulumi)`, { field: 'Helios-Owner' });
  const user = header(request, 'helios-user')?.slice(0, 200) || null;
  return { owner, user, master: ctx.options.name, token: guard.token, force: guard.force };
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
