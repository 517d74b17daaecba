import type { Store } from '../store/store.js';
import type { SourceView } from '../plan/syncPlan.js';

/**
 * What the sync plan reads of the store for one source: its jobs' ids and its deployments in one
 * indexed query each (covering indexes, no table reads), everything else by primary key or index.
 */
export function sourceView(store: Store, owner: string): SourceView {
  return {
    ownedJobIds: store.jobs.idsOwnedBy(owner),
    deployments: store.deployments.refsOwnedBy(owner),
    deploymentsOfJob: (jobId) => store.deployments.ofJob(jobId),
    deployment: (host, jobId) => store.deployments.get(host, jobId),
    job: (id) => store.jobs.ownerOf(id),
    jobByNameVersion: (nv) => {
      const [name, version] = nv.split(':');
      return store.jobs.ownerOfNameVersion(name, version ?? '');
    },
    portHolders: (host, protocol, port) => store.deployments.portHolders(host, protocol, port),
  };
}
