import { spawn } from 'node:child_process';

/** What a credential helper gives for a registry (its `get` answer). */
export interface HelperCredentials {
  username: string;
  /** A password, or an identity token when `username` is `<token>` (then reported as `identitytoken`). */
  secret: string;
}

/** A helper that failed, timed out or answered nonsense; the message never carries its answer. */
export class CredentialHelperError extends Error {
  override name = 'CredentialHelperError';
}

/** docker-credential-helpers' answer for a registry it has nothing for (credentials/error.go). */
const NOT_FOUND = 'credentials not found in native keychain';
const MAX_OUTPUT = 64 * 1024;

/**
 * Runs `docker-credential-NAME get` with the server address on stdin, as the docker CLI does; resolves
 * with null when the helper has nothing for it (anonymous pull). A helper that takes longer than
 * `timeoutMs` is killed with everything it started (its own process group): a hung keychain must not
 * hold a task. The helper's error text goes into the error (it says what to fix: a locked keychain, a
 * missing gpg key); its answer never does.
 */
export function getFromCredentialHelper(name: string, serverAddress: string, timeoutMs: number): Promise<HelperCredentials | null> {
  const program = `docker-credential-${name}`;
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      finish();
    };
    const fail = (why: string) => settle(() => reject(new CredentialHelperError(`credential helper ${program} ${why}`)));
    const timer = setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      fail(`gave no answer within ${timeoutMs} ms`);
    }, timeoutMs);
    const take = (append: (text: string) => void) => (chunk: Buffer) => {
      append(chunk.toString('utf8'));
      if (stdout.length + stderr.length > MAX_OUTPUT) { child.kill('SIGKILL'); fail(`answered more than ${MAX_OUTPUT} bytes`); }
    };
    child.stdout.on('data', take((text) => (stdout += text)));
    child.stderr.on('data', take((text) => (stderr += text)));
    child.on('error', (err: NodeJS.ErrnoException) => fail(err.code === 'ENOENT' ? 'is not on PATH' : `could not run: ${err.code ?? err.message}`));
    child.on('close', (code, signal) => {
      if (code === 0) {
        settle(() => {
          try {
            resolve(parseAnswer(program, stdout));
          } catch (err) {
            reject(err as Error);
          }
        });
        return;
      }
      const said = `${stdout}\n${stderr}`.trim();
      if (said.includes(NOT_FOUND)) return settle(() => resolve(null));
      fail(`failed (${signal ?? `exit code ${code}`})${said ? `: ${said.split('\n')[0].slice(0, 200)}` : ''}`);
    });
    child.stdin.on('error', () => {}); // a helper that exits without reading: its exit says what happened
    child.stdin.end(serverAddress);
  });
}

function parseAnswer(program: string, stdout: string): HelperCredentials {
  let answer: unknown;
  try {
    answer = JSON.parse(stdout);
  } catch {
    throw new CredentialHelperError(`credential helper ${program} answered something other than JSON`);
  }
  const { Username: username, Secret: secret } = (answer ?? {}) as { Username?: unknown; Secret?: unknown };
  if (typeof username !== 'string' || typeof secret !== 'string') {
    throw new CredentialHelperError(`credential helper ${program} answered without a Username and a Secret string`);
  }
  return { username, secret };
}
