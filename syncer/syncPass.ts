import type { Logger } from 'pino';
import { isHeliosError, type HeliosClient, type SyncResult } from '../core/index.js';
import { normalizeSourcePath } from '../core/model/sourceLocation.js';
import { aliasHosts } from './manifests/hostAliases.js';
import type { ManifestLimits } from './manifests/limits.js';
import { createManifestSet } from './manifests/manifestSet.js';
import type { GitSource } from './repo/gitSource.js';
import { diffTree, type TreeNode } from './repo/treeWalk.js';

export interface SyncPassOptions {
  source: GitSource;
  client: HeliosClient;
  /** The sync source's name at the master; what it owns is `git:<name>`. */
  name: string;
  branch: string;
  /** Folder of job files inside the repository (`''` for the root). */
  path: string;
  dryRun?: boolean;
  /** Re-point the source at this repository, branch and path (see --adopt): sent until the master takes a request. */
  adopt?: boolean;
  /** deploy.hosts names replaced by real host names before sending (`--host-alias`). */
  hostAliases?: ReadonlyMap<string, string>;
  /** --max-file-bytes, --max-job-bytes, --max-sync-bytes (default: manifests/limits.ts). */
  limits?: ManifestLimits;
  log: Logger;
}

export interface SyncOutcome {
  commit: string;
  result: SyncResult;
  /** Job files re-read for this pass (the rest came from the previous commit). */
  filesRead: number;
  jobs: number;
  readMs: number;
  applyMs: number;
}

/**
 * One pass: resolve the branch's commit, re-read the files that changed since the last pass (by blob
 * oid), and send the commit's whole desired set to the master, which refuses it whole on any error or
 * plans and applies it in one transaction. Entries the master took in the previous request and that
 * have not changed are sent by reference (file and digest), so a request grows with the change. The snapshot and the parsed files move together, so a
 * failed pass leaves them describing the last commit read.
 */
export function createSyncPass(options: SyncPassOptions) {
  const { source, client, name, branch, log } = options;
  const path = normalizeSourcePath(options.path);
  const hostAliases = options.hostAliases ?? new Map<string, string>();
  const manifests = createManifestSet(options.limits);
  let snapshot: TreeNode | undefined;
  // The digest of each entry the master took in the last request: unchanged ones go by reference.
  let sent = new Map<string, string | undefined>();
  let byReference = true;
  let adopt = options.adopt === true;

  return async function syncPass(signal?: AbortSignal): Promise<SyncOutcome> {
    const started = performance.now();
    const commit = await source.resolveCommit(signal);
    await source.refresh();
    const pathOid = await findPath(source, await source.readCommitTree(commit), path);
    const diff = await diffTree(source.readTree, path ? `${path}/` : '', pathOid, snapshot);
    const filesRead = await manifests.update(diff, source.readBlob, signal);
    snapshot = diff.node;
    const desired = manifests.desired(path);
    if (pathOid === undefined) {
      desired.errors.unshift({ file: path, message: `folder ${path}/ not found in commit ${commit.slice(0, 12)}: refusing to remove every job (to deploy none, keep the folder, e.g. ${path}/.gitkeep)` });
    }
    const readDone = performance.now();
    const jobs = aliasHosts(desired.jobs, hostAliases);
    const request = { repo: source.display, branch, path, commit, dryRun: options.dryRun || undefined, adopt: adopt || undefined, errors: desired.errors };
    const byRef = jobs.map((j) => (j.digest !== undefined && sent.get(j.file) === j.digest ? { file: j.file, digest: j.digest } : j));
    let result: SyncResult;
    signal?.throwIfAborted();
    try {
      result = await client.sync.apply(name, { ...request, jobs: byRef });
    } catch (err) {
      const refs = byRef.some((j) => !('spec' in j));
      if (!refs || !(isHeliosError(err, 'SYNC_ENTRY_UNKNOWN') || isHeliosError(err, 'INVALID_REQUEST'))) throw err;
      log.info({ reason: err.message }, 'the master did not take entries sent by reference: sending every entry in full');
      result = await client.sync.apply(name, { ...request, jobs });
      // Refused as invalid by reference, taken in full: a master from before references, sent full sets from now on.
      if (isHeliosError(err, 'INVALID_REQUEST')) byReference = false;
    }
    signal?.throwIfAborted();
    if (byReference) sent = new Map(jobs.map((j) => [j.file, j.digest]));
    // The master has recorded this triple (a dry run records nothing, so it keeps asking).
    if (!options.dryRun) adopt = false;
    const done = performance.now();
    const outcome = { commit, result, filesRead, jobs: desired.jobs.length, readMs: readDone - started, applyMs: done - readDone };
    log.info({ commit, state: result.state, actions: result.actions.length, errors: result.errors.length, jobs: outcome.jobs,
      filesRead, durationMs: Math.round(done - started), readMs: Math.round(outcome.readMs) }, 'sync');
    return outcome;
  };
}

/** The tree oid of `path` in the commit's root tree, or undefined when it is missing or not a folder. */
async function findPath(source: GitSource, rootTree: string, path: string): Promise<string | undefined> {
  let oid: string | undefined = rootTree;
  for (const segment of path ? path.split('/') : []) {
    const entries = await source.readTree(oid);
    const entry = entries.find((e) => e.path === segment);
    if (entry?.type !== 'tree') return undefined;
    oid = entry.oid;
  }
  return oid;
}
