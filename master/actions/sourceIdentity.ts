import { HeliosError, type SyncRegistration } from '../../core/index.js';
import { normalizeSourcePath, repoKey, stripCredentials } from '../../core/model/sourceLocation.js';

/**
 * A sync source is one repository, branch and path. Two syncers that share a name but not the triple
 * would each prune what the other applied, every pass; so the first sync (or an admin's registration)
 * records the triple and a request from another one is refused until an admin re-points the source.
 */

/** The triple as the master records it: no credentials in the URL, the path in one spelling. */
export function followed(request: SyncRegistration): SyncRegistration {
  return { repo: stripCredentials(request.repo), branch: request.branch, path: normalizeSourcePath(request.path) };
}

export function sameFollowed(a: SyncRegistration, b: SyncRegistration): boolean {
  return repoKey(a.repo) === repoKey(b.repo) && a.branch === b.branch && normalizeSourcePath(a.path) === normalizeSourcePath(b.path);
}

const describe = (f: SyncRegistration) => `${f.repo} branch ${f.branch} path ${f.path || '/'}`;

export function sourceMismatch(source: string, recorded: SyncRegistration, requested: SyncRegistration): HeliosError {
  return new HeliosError('SOURCE_MISMATCH',
    `sync source ${source} follows ${describe(recorded)}, but this request is from ${describe(requested)}: `
    + 'give this syncer its own --name (each repository, branch and path is its own source); '
    + 'if the source really moved, an admin re-points it (helios-syncer --adopt, or helios sync register)',
    { source, recorded, requested });
}
