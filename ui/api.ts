/**
 * The dashboard's calls to the master's API, with the types of core/schema (shared with every other
 * client). fetch, not core's client: that one is Node's (TLS files, keep-alive agents). The token is
 * kept for this tab only (sessionStorage), and sent as the CLI sends HELIOS_TOKEN.
 */
import type { Whoami } from '../core/schema/auth.js';

const TOKEN_KEY = 'helios-token';

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export const session = {
  token: (): string => sessionStorage.getItem(TOKEN_KEY) ?? '',
  setToken: (token: string): void => { sessionStorage.setItem(TOKEN_KEY, token); },
  clear: (): void => { sessionStorage.removeItem(TOKEN_KEY); },
};

/** The headers of every call: the bearer token when one was given. */
export function authHeaders(): Record<string, string> {
  const token = session.token();
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** One call; an answer that is not 2xx throws ApiError with the master's code and message. */
export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: { ...authHeaders(), accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let value: unknown;
  try {
    value = text === '' ? undefined : JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (!response.ok) {
    const error = (value ?? {}) as { status?: string; message?: string };
    throw new ApiError(response.status, error.status ?? String(response.status), error.message ?? response.statusText);
  }
  return value as T;
}

/** A path segment, as core's client encodes it. */
export const seg = (value: string) => encodeURIComponent(value);

/** Who the token is: its role decides which actions the pages show. */
export const whoami = () => api<Whoami>('GET', '/whoami');

/** Whether this principal's role may deploy (the API refuses it otherwise: the buttons are not shown). */
export const mayDeploy = (who: Whoami | null) => who !== null && (who.role === 'deploy' || who.role === 'admin');

/** Whether this principal's role may exec in a container (exec and admin; not deploy: it is a shell in production). */
export const mayExec = (who: Whoami | null) => who !== null && (who.role === 'exec' || who.role === 'admin');
