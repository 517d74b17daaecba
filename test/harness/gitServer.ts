/**
 * Serves bare git repositories over smart HTTP with the real `git http-backend` run as a CGI, because
 * isomorphic-git can only clone over HTTP. Plus fixture helpers that build those repositories.
 * @example
 * const server = await startGitServer({ root });
 * const repo = await gitRepo(root, { 'jobs/web.yaml': 'name: web\n' });
 * const url = `${server.url}/${repo.name}.git`;
 */
import { execFile, spawn } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';

export interface GitServer {
  /** `http://127.0.0.1:PORT`; a repository `<root>/x.git` is at `${url}/x.git`. */
  url: string;
  close(): Promise<void>;
}

export interface GitServerOptions {
  /** Folder holding the bare repositories. */
  root: string;
  /** When set, every request needs `Authorization: Bearer <token>`, or basic auth with the token as user or password. */
  token?: string;
  /** Accept pushes (`git-receive-pack`) even without a token. */
  allowPush?: boolean;
}

/** The authenticated user name, '' for an anonymous request that is allowed, undefined when refused. */
function authenticate(req: IncomingMessage, token: string | undefined): string | undefined {
  const header = req.headers.authorization ?? '';
  const [scheme = '', value = ''] = header.split(' ', 2);
  if (scheme.toLowerCase() === 'bearer') return token === undefined || value === token ? 'token' : undefined;
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon < 0 ? decoded : decoded.slice(0, colon);
    const password = colon < 0 ? '' : decoded.slice(colon + 1);
    return token === undefined || user === token || password === token ? user || 'token' : undefined;
  }
  return token === undefined ? '' : undefined;
}

/** Splits a CGI response head into a status and headers (`Status: 404 Not Found` sets the status). */
function parseCgiHead(head: string): { status: number; headers: Record<string, string> } {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500;
    else headers[name] = value;
  }
  return { status, headers };
}

function runBackend(opts: GitServerOptions, req: IncomingMessage, res: ServerResponse, user: string): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GIT_PROJECT_ROOT: opts.root,
    GIT_HTTP_EXPORT_ALL: '1',
    GIT_CONFIG_NOSYSTEM: '1',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: 'HTTP/1.1',
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
    ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] } : {}),
    ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
    // http-backend accepts pushes from authenticated users only.
    ...(user ? { REMOTE_USER: user } : {}),
    ...(opts.allowPush ? { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.receivepack', GIT_CONFIG_VALUE_0: 'true' } : {}),
  };
  const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  let head = Buffer.alloc(0);
  let headDone = false;
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    if (headDone) return void res.write(chunk);
    head = Buffer.concat([head, chunk]);
    const text = head.toString('latin1');
    const end = /\r?\n\r?\n/.exec(text);
    if (!end) return;
    headDone = true;
    const { status, headers } = parseCgiHead(text.slice(0, end.index));
    res.writeHead(status, headers);
    res.write(head.subarray(end.index + end[0].length));
  });
  child.on('error', (err) => {
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(`git http-backend failed: ${err.message}\n`);
  });
  child.on('close', (code) => {
    if (!headDone && !res.headersSent) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`git http-backend exited with ${code}: ${stderr}\n`);
    } else {
      res.end();
    }
  });
  child.stdin.on('error', () => {}); // the backend may answer before reading the whole body
  req.pipe(child.stdin);
}

/** Starts the server on 127.0.0.1, port 0. */
export async function startGitServer(opts: GitServerOptions): Promise<GitServer> {
  const server = createServer((req, res) => {
    const user = authenticate(req, opts.token);
    if (user === undefined) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"', 'content-type': 'text/plain' });
      res.end('authentication required\n');
      return;
    }
    try {
      runBackend(opts, req, res, user);
    } catch (err) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`bad request: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

// ---- fixtures ----

/** Fixed identity and dates, and no user or system config: the same files give the same commit ids. */
const GIT_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  GIT_AUTHOR_NAME: 'Helios Test',
  GIT_AUTHOR_EMAIL: 'test@helios.invalid',
  GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z',
  GIT_COMMITTER_NAME: 'Helios Test',
  GIT_COMMITTER_EMAIL: 'test@helios.invalid',
  GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z',
};

/** Runs git and resolves with its trimmed stdout; rejects with its stderr. */
export function git(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, env: { ...GIT_ENV, ...env } }, (err, stdout, stderr) => {
      if (err) reject(new Error(`git ${args.join(' ')} failed in ${cwd}: ${stderr.trim() || err.message}`, { cause: err }));
      else resolve(stdout.trim());
    });
  });
}

export interface GitRepo {
  /** Repository name: served at `${server.url}/${name}.git`. */
  name: string;
  /** The bare repository, `<root>/<name>.git`. */
  bare: string;
  /** A working clone that pushes to it. */
  work: string;
  /** The commit id of the branch head after the first commit. */
  head: string;
  branch: string;
}

let counter = 0;

/** Creates `<root>/<name>.git` with one commit holding files, and a working clone under `<root>/.work/`. */
export async function gitRepo(root: string, files: Record<string, string>, opts: { name?: string; branch?: string; message?: string } = {}): Promise<GitRepo> {
  const name = opts.name ?? `repo${++counter}`;
  const branch = opts.branch ?? 'main';
  const bare = join(root, `${name}.git`);
  const work = join(root, '.work', name);
  await mkdir(bare, { recursive: true });
  await mkdir(work, { recursive: true });
  await git(['init', '--quiet', '--bare', '--initial-branch', branch], bare);
  await git(['init', '--quiet', '--initial-branch', branch], work);
  await git(['remote', 'add', 'origin', bare], work);
  const head = await commitFiles(work, files, opts.message ?? 'initial commit');
  return { name, bare, work, head, branch };
}

async function commitAndPush(work: string, message: string): Promise<string> {
  await git(['commit', '--quiet', '--allow-empty', '-m', message], work);
  await git(['push', '--quiet', 'origin', 'HEAD'], work);
  return git(['rev-parse', 'HEAD'], work);
}

/** Writes (creating folders) and commits files in the working clone, pushes, returns the new commit id. */
export async function commitFiles(work: string, files: Record<string, string>, message = 'update files'): Promise<string> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(work, path)), { recursive: true });
    await writeFile(join(work, path), content);
  }
  if (Object.keys(files).length > 0) await git(['add', '--', ...Object.keys(files)], work);
  return commitAndPush(work, message);
}

/** Deletes files in the working clone, commits, pushes, returns the new commit id. */
export async function removeFiles(work: string, paths: readonly string[], message = 'remove files'): Promise<string> {
  await git(['rm', '--quiet', '-r', '--', ...paths], work);
  await Promise.all(paths.map((path) => rm(join(work, path), { recursive: true, force: true })));
  return commitAndPush(work, message);
}
