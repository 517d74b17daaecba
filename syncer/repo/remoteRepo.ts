import * as git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import nodeFs from 'node:fs';
import { stripCredentials } from '../../core/model/sourceLocation.js';
import { GitSourceError } from '../errors.js';
import type { GitSource } from './gitSource.js';
import { createObjectReader } from './objectReader.js';

export interface RemoteRepoOptions {
  url: string;
  branch: string;
  /** A bare repository the syncer owns, holding what it fetched (created when missing). */
  cacheDir: string;
  /** HTTPS token (HELIOS_GIT_TOKEN), sent as basic-auth password when the server asks. */
  token?: string;
  /** Basic-auth user name for the token; GitHub takes `x-access-token`, GitLab `oauth2`. */
  username?: string;
  fs?: typeof nodeFs;
  http?: typeof http;
}

/**
 * A remote over smart HTTP(S): each pass lists the branch ref (one small request) and fetches only
 * when the commit is not already in the cache; the tree is then read from the cache without checkout.
 */
export async function openRemoteRepo(options: RemoteRepoOptions): Promise<GitSource> {
  const fs = options.fs ?? nodeFs;
  const client = options.http ?? http;
  const gitdir = options.cacheDir;
  const display = stripCredentials(options.url);
  const ref = `refs/heads/${options.branch}`;
  const onAuth = () => (options.token ? { username: options.username ?? 'x-access-token', password: options.token } : undefined);
  const onAuthFailure = () => ({ cancel: true });
  await fs.promises.mkdir(gitdir, { recursive: true });
  if (!(await fs.promises.stat(`${gitdir}/HEAD`).then(() => true, () => false))) {
    await git.init({ fs, dir: gitdir, bare: true, defaultBranch: options.branch });
  }
  // fetch takes the URL (with any credentials) per call; the config only names the remote.
  await git.addRemote({ fs, gitdir, remote: 'origin', url: display, force: true });
  const reader = createObjectReader(gitdir);
  const fail = (what: string, err: unknown) => new GitSourceError(`${what} ${display}: ${describe(err, options.token !== undefined)}`, { repo: display, branch: options.branch }, { cause: err });

  return {
    kind: 'http',
    gitdir,
    display,
    async resolveCommit() {
      let refs: { ref: string; oid: string }[];
      try {
        refs = await git.listServerRefs({ http: client, url: options.url, prefix: ref, protocolVersion: 1, onAuth, onAuthFailure });
      } catch (err) {
        throw fail('cannot list the refs of', err);
      }
      const head = refs.find((r) => r.ref === ref);
      if (!head) throw new GitSourceError(`branch ${options.branch} not found in ${display}`, { repo: display, branch: options.branch });
      if (await hasCommit(head.oid)) return head.oid;
      try {
        const fetched = await git.fetch({ fs, http: client, gitdir, url: options.url, ref: options.branch, singleBranch: true, tags: false, onAuth, onAuthFailure });
        return fetched.fetchHead ?? head.oid;
      } catch (err) {
        throw fail('cannot fetch', err);
      }
    },
    ...reader,
  };

  async function hasCommit(oid: string): Promise<boolean> {
    try {
      await reader.readCommitTree(oid);
      return true;
    } catch {
      return false;
    }
  }
}

function describe(err: unknown, withToken: boolean): string {
  const e = err as { code?: string; data?: { statusCode?: number; statusMessage?: string }; message?: string };
  if (e.code === 'UserCanceledError' || e.data?.statusCode === 401) {
    return withToken
      ? 'authentication failed: the server refused HELIOS_GIT_TOKEN (check the token, and HELIOS_GIT_USERNAME for servers that want a user name)'
      : 'authentication failed (set HELIOS_GIT_TOKEN)';
  }
  if (e.data?.statusCode) return `HTTP ${e.data.statusCode} ${e.data.statusMessage ?? ''}`.trim();
  return e.message ?? String(err);
}
