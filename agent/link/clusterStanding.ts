import type { Logger } from 'pino';
import { isHeliosError } from '../../core/index.js';
import { createTrouble } from '../trouble.js';

type Standing = 'unknown' | 'same' | 'other' | 'away';

/**
 * Whether the master the agent talks to is of the agent's cluster, as far as it knows. A master on a
 * new database, or the wrong --master, must neither make the agent reap its containers nor start
 * containers that master did not ask for:
 *
 *   unknown ──an answer──► same ◄──an answer── other ◄──CLUSTER_MISMATCH── (any)
 *      └──any other failure──► away
 *
 * `unknown` (from start-up to the master's first word) and `other` hold: the containers already here
 * stay running and supervised, nothing new is created, nothing is reaped. `same`, and `away` (the
 * master cannot be asked: the persisted desired set rules, as it always did), act in full.
 */
/** `master`: how the log names the master(s), e.g. `master at http://m:5801`. */
export function createClusterStanding(o: { log: Logger; master: string; stateDir: string; onChange: () => void }) {
  let standing: Standing = 'unknown';
  const trouble = createTrouble(o.log, o.master, (err) => describeMismatch(err, o.stateDir),
    { failing: 'belongs to another cluster', recovered: "belongs to this agent's cluster again" });
  const become = (next: Standing) => {
    if (next === standing) return;
    standing = next;
    o.onChange();
  };
  return {
    get holding(): boolean { return standing === 'unknown' || standing === 'other'; },
    /** What is wrong while the master is of another cluster, else null. */
    get mismatch(): string | null { return trouble.message; },
    /** The master answered a call that named this agent's cluster (or none yet). */
    answered(): void {
      trouble.ok();
      become('same');
    },
    failed(err: unknown): void {
      if (isHeliosError(err, 'CLUSTER_MISMATCH')) {
        trouble.fail(err);
        become('other');
      } else if (standing === 'unknown') {
        become('away');
      }
    },
  };
}

function describeMismatch(err: unknown, stateDir: string): string {
  const data = isHeliosError(err) ? err.data : {};
  const ours = String(data.agentClusterId ?? '?');
  return `this agent belongs to cluster ${ours} (recorded in ${stateDir}), but the master is cluster ${String(data.clusterId ?? '?')}; `
    + 'the agent keeps its containers running and takes no desired state from it. Check --master; if this master is the '
    + `agent's cluster from now on (its old database is gone for good), restart the agent with --join-new-cluster, which forgets cluster ${ours} `
    + 'and its desired set';
}

export type ClusterStanding = ReturnType<typeof createClusterStanding>;
