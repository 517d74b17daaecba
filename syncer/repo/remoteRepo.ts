import * as git from 'isomorphic-git';
import nodeFs from 'node:fs';
import { stripCredentials } from '../../core/model/sourceLocation.js';
import { GitSourceError } from '../errors.js';
import { withRetries } from '../retry.js';
import { createGitHttp, GitTimeoutError } from './gitHttp.js';
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
  /** Connect and read timeout of each git HTTP request (`--git-timeout`). */
  timeoutMs?: number;
  /** Attempts after the first for a git call that failed on the network or a 5xx (`--git-retries`). */
  retries?: number;
  /** Told of each retried call. */
  onRetry?: (what: string, err: unknown, attempt: number, delayMs: number) => void;
  /** Told of each git request as it ends, retries included (the syncer's --metrics). */
  onRequest?: (request: GitRequest, seconds: number, ok: boolean) => void;
  /** A fetch whose pack holds a larger object fails before isomorphic-git inflates it (`--max-git-object-bytes`). */
  maxObjectBytes?: number;
  fs?: typeof nodeFs;
}

/** Which git request a remote makes: the ref listing of every pass, or the fetch of a new commit. */
export type GitRequest = 'ls-refs' | 'fetch';

/** Past this many packs in the cache (one per fetched commit), the next fetch starts a fresh cache. */
const MAX_PACKS = 16;

/**
 * A remote over smart HTTP(S): each pass lists the branch ref (one small request) and fetches only
 * when the commit is not already in the cache; the tree is then read from the cache without checkout.
 * Fetches are shallow (depth 1: the commit's tree, no history), each call has the connect and read
 * timeout of gitHttp.ts and is retried with backoff on a network failure or a 5xx, and the cache is
 * started afresh when it holds more than MAX_PACKS packs, so it holds about one snapshot of the branch.
 */
export async function openRemoteRepo(options: RemoteRepoOptions): Promise<GitSource> {
  const fs = options.fs ?? nodeFs;
  const gitdir = options.cacheDir;
  const display = stripCredentials(options.url);
  const ref = `refs/heads/${options.branch}`;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const onAuth = () => (options.token ? { username: options.username ?? 'x-access-token', password: options.token } : undefined);
  const onAuthFailure = () => ({ cancel: true });
  await initCache(fs, gitdir, options.branch, display);
  const reader = createObjectReader(gitdir);
  const call = async <T>(request: GitRequest, what: string, signal: AbortSignal | undefined, fn: (http: git.HttpClient) => Promise<T>): Promise<T> => {
    const http = createGitHttp({ timeoutMs, flag: '--git-timeout', signal, maxObjectBytes: options.maxObjectBytes, objectFlag: '--max-git-object-bytes' });
    const started = performance.now();
    try {
      const result = await withRetries(() => fn(http), {
        attempts: 1 + (options.retries ?? 2), baseMs: 1000, maxMs: 10_000, signal, retryable: isTransient,
        onRetry: (err, attempt, delayMs) => options.onRetry?.(what, err, attempt, delayMs),
      });
      options.onRequest?.(request, (performance.now() - started) / 1000, true);
      return result;
    } catch (err) {
      options.onRequest?.(request, (performance.now() - started) / 1000, false);
      if (signal?.aborted) throw signal.reason;
      throw new GitSourceError(`${what} ${display}: ${describe(err, options.token !== undefined)}`, { repo: display, branch: options.branch }, { cause: err });
    }
  };

  return {
    kind: 'http',
    gitdir,
    display,
    async resolveCommit(signal?: AbortSignal) {
      const refs = await call('ls-refs', 'cannot list the refs of', signal, (http) =>
        git.listServerRefs({ http, url: options.url, prefix: ref, protocolVersion: 1, onAuth, onAuthFailure }));
      const head = refs.find((r) => r.ref === ref);
      if (!head) throw new GitSourceError(`branch ${options.branch} not found in ${display}`, { repo: display, branch: options.branch });
      if (await reader.has(head.oid)) return head.oid;
      if ((await packCount(fs, gitdir)) >= MAX_PACKS) {
        await reader.close();
        await fs.promises.rm(gitdir, { recursive: true, force: true });
        await initCache(fs, gitdir, options.branch, display);
      }
      const fetched = await call('fetch', 'cannot fetch', signal, (http) => git.fetch({
        fs, http, gitdir, url: options.url, ref: options.branch, singleBranch: true, tags: false, depth: 1, onAuth, onAuthFailure,
      }));
      return fetched.fetchHead ?? head.oid;
    },
    ...reader,
  };
}

async function initCache(fs: typeof nodeFs, gitdir: string, branch: string, display: string): Promise<void> {
  await fs.promises.mkdir(gitdir, { recursive: true });
  if (!(await fs.promises.stat(`${gitdir}/HEAD`).then(() => true, () => false))) {
    await git.init({ fs, dir: gitdir, bare: true, defaultBranch: branch });
  }
  // fetch takes the URL (with any credentials) per call; the config only names the remote.
  await git.addRemote({ fs, gitdir, remote: 'origin', url: display, force: true });
}

const packCount = async (fs: typeof nodeFs, gitdir: string) =>
  (await fs.promises.readdir(`${gitdir}/objects/pack`).catch(() => [] as string[])).filter((f) => f.endsWith('.pack')).length;

/** A failure a retry may cure: no connection, a timeout, a reset, or the server's 5xx or 429. */
function isTransient(err: unknown): boolean {
  if (err instanceof GitTimeoutError) return true;
  const e = err as { code?: string; data?: { statusCode?: number } };
  const status = e.data?.statusCode;
  if (status !== undefined) return status >= 500 || status === 429;
  return ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND'].includes(e.code ?? '');
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
