/**
 * Who a request comes from. A token file entry gives a role (and, for `sync` and `agent`, what it is
 * bound to); without a token file every request is the anonymous principal, which may do everything
 * but is still held to the admission policy (only a named admin token creates privileged jobs).
 */
import type { Role } from '../../core/index.js';

export { roles, type Role } from '../../core/index.js';

export interface Principal {
  /** The token's name from the token file (recorded in the audit log), `anonymous`, or `cert:<CN>`. */
  name: string;
  role: Role;
  /** `sync`: the sources it may apply. */
  sources?: readonly string[];
  /** `agent`: the one host it may act for (from `agent:HOST`, or the client certificate's CN). */
  host?: string;
  /** The master has no token file: anyone who reaches it. */
  anonymous: boolean;
}

export const anonymous: Principal = { name: 'anonymous', role: 'admin', anonymous: true };

/** The caller of a public route (no token asked): a sync role bound to no source, allowed nothing else. */
export const nobody: Principal = { name: 'unauthenticated', role: 'sync', sources: [], anonymous: true };

/** A named admin token may create jobs with privileged fields; nobody else (the anonymous principal included). */
export const bypassesAdmission = (p: Principal) => p.role === 'admin' && !p.anonymous;

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook before anything else runs (master/auth/installAuth.ts). */
    principal: Principal;
  }
}
