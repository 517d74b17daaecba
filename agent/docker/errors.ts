/**
 * Typed errors of the Docker adapter. Every dockerode failure is translated here, at the boundary,
 * keeping the original error as `cause`, so that the supervisor reasons about kinds, not messages.
 */
export type DockerErrorKind =
  | 'DOCKER_UNAVAILABLE' // the engine cannot be reached (socket missing, refused, reset)
  | 'DOCKER_TIMEOUT' // the call took longer than its own timeout
  | 'IMAGE_NOT_FOUND' // the registry (or the engine) says the image does not exist
  | 'IMAGE_PULL_FAILED' // any other pull failure (registry unreachable, auth, …)
  | 'CONTAINER_NOT_FOUND'
  | 'NAME_CONFLICT' // a container with that name exists already
  | 'PORT_IN_USE' // publishing a host port failed: something else holds it
  | 'DOCKER_REQUEST_FAILED'; // the engine refused the request (bad config, …)

export class DockerError extends Error {
  override name = 'DockerError';
  constructor(readonly kind: DockerErrorKind, message: string, readonly data: { op: string; statusCode?: number } ,
    options?: { cause?: unknown }) {
    super(message, options);
  }
}

export function isDockerError(err: unknown, kind?: DockerErrorKind): err is DockerError {
  return err instanceof DockerError && (kind === undefined || err.kind === kind);
}

const unavailableCodes = new Set(['ENOENT', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND',
  'EACCES', 'ETIMEDOUT', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTSOCK']);

/** The engine's own message, without dockerode's "(HTTP code 404) no such container -" preamble. */
export function engineMessage(err: unknown): string {
  const e = err as { json?: unknown; message?: string };
  if (e?.json && typeof e.json === 'object' && typeof (e.json as { message?: unknown }).message === 'string') {
    return (e.json as { message: string }).message.trim();
  }
  if (typeof e?.json === 'string' && e.json.trim()) return e.json.trim();
  // A streamed call (a pull) that fails at once has no json: docker-modem puts the body in the message.
  return String(e?.message ?? err).replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
}

const portInUse = /port is already allocated|address already in use|bind: .*in use/i;
const imageMissing = /manifest unknown|not found|does not exist|pull access denied|no such image/i;

/** Translates one dockerode error; `op` names the call (`create`, `start`, `pull busybox`, …). */
export function translateDockerError(op: string, err: unknown, timeoutMs?: number): DockerError {
  if (err instanceof DockerError) return err;
  const e = err as { code?: string; statusCode?: number; name?: string };
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError' || e?.code === 'ABORT_ERR') {
    return new DockerError('DOCKER_TIMEOUT', `docker ${op} timed out after ${timeoutMs ?? '?'} ms`, { op }, { cause: err });
  }
  if (e?.code && unavailableCodes.has(e.code)) {
    return new DockerError('DOCKER_UNAVAILABLE', `cannot reach the Docker engine (${e.code})`, { op }, { cause: err });
  }
  const message = engineMessage(err);
  const statusCode = e?.statusCode;
  if (portInUse.test(message)) return new DockerError('PORT_IN_USE', message, { op, statusCode }, { cause: err });
  if (statusCode === 409 && /already in use/i.test(message)) {
    return new DockerError('NAME_CONFLICT', message, { op, statusCode }, { cause: err });
  }
  if (op.startsWith('pull')) {
    const kind = statusCode === 404 || imageMissing.test(message) ? 'IMAGE_NOT_FOUND' : 'IMAGE_PULL_FAILED';
    return new DockerError(kind, message, { op, statusCode }, { cause: err });
  }
  if (statusCode === 404) {
    const kind = /no such image/i.test(message) ? 'IMAGE_NOT_FOUND' : 'CONTAINER_NOT_FOUND';
    return new DockerError(kind, message, { op, statusCode }, { cause: err });
  }
  return new DockerError('DOCKER_REQUEST_FAILED', message || `docker ${op} failed`, { op, statusCode }, { cause: err });
}
