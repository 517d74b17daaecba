import { HeliosError, type AuditEvent, type Job } from '../../core/index.js';
import type { Queries } from '../store/store.js';
import { sameSecret } from '../auth/secretDigest.js';

/** Who is asking: the owner recorded on what they create, the user and master recorded on deploys. */
export interface Actor {
  owner: string;
  user: string | null;
  /** The name of the token the request came with (`anonymous` without a token file). */
  tokenName: string;
  master: string;
  /** The job token presented (`?token=`). */
  token?: string;
  /** `?force=true`: change what git owns anyway. */
  force?: boolean;
  /** The sync endpoint acts for the system: no token or ownership checks, no audit event per action. */
  system?: boolean;
}

/** Records a write in the audit log (in the caller's transaction); the system's own writes are not audited one by one. */
export async function audit(tx: Queries, actor: Actor, event: Omit<AuditEvent, 'seq' | 'timestamp' | 'token' | 'user'>): Promise<void> {
  if (actor.system) return;
  await tx.audit.record({ timestamp: Date.now(), token: actor.tokenName, user: actor.user, ...event });
}

export const isGitOwner = (owner: string | undefined): owner is string => !!owner && owner.startsWith('git:');

/**
 * A job with a token may only be changed by whoever presents it: an accident guard, as in Helios, not
 * access control (GET /jobs shows the token to every reader). Compared in constant time all the same.
 */
export function checkToken(job: Job, actor: Actor): void {
  if (actor.system || !job.token) return;
  if (actor.token === undefined || !sameSecret(actor.token, job.token)) {
    throw new HeliosError('FORBIDDEN', `job ${job.id} has a token: pass the matching token to change it (--token)`, { jobId: job.id });
  }
}

/** Git-owned things change only through their repository, or with `force` (and then only until the next sync). */
export function checkGitOwned(owner: string | undefined, actor: Actor, what: string): void {
  if (actor.system || actor.force || !isGitOwner(owner) || owner === actor.owner) return;
  const source = owner.slice('git:'.length);
  throw new HeliosError('GIT_OWNED',
    `git source ${source} owns ${what}: change it in the repository, the next sync restores it; use --force to change it anyway`,
    { owner, source });
}
