import { request } from 'node:http';

/** Where a Docker engine listens: a unix socket or a TCP address (no TLS, no ssh). */
export type DockerAddress = { socketPath: string } | { host: string; port: number };

/** Parses `unix:///path`, `tcp://host:port` or `http://host:port`; undefined for anything else. */
export function parseDockerHost(dockerHost: string): DockerAddress | undefined {
  if (dockerHost.startsWith('unix://')) return { socketPath: dockerHost.slice('unix://'.length) };
  if (dockerHost.startsWith('/')) return { socketPath: dockerHost };
  const match = /^(?:tcp|http):\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(dockerHost);
  if (!match) return undefined;
  return { host: match[1].replace(/^\[|\]$/g, ''), port: match[2] ? Number(match[2]) : 2375 };
}

export interface DockerResponse { status: number; body: string }

/** One plain HTTP request to the Docker API, with a hard timeout. */
export function dockerRequest(dockerHost: string, method: string, path: string, timeoutMs = 5_000): Promise<DockerResponse> {
  const address = parseDockerHost(dockerHost);
  if (!address) return Promise.reject(new Error(`unsupported DOCKER_HOST ${dockerHost}`));
  return new Promise((resolve, reject) => {
    const req = request({ ...address, method, path, timeout: timeoutMs, headers: { host: 'docker' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} on ${dockerHost} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Why the engine does not answer `GET /_ping` with 200 (`connect ENOENT /var/run/docker.sock`,
 * `HTTP 500 …`), or null when it does. Never throws.
 */
export async function probeDocker(dockerHost: string, timeoutMs = 2_000): Promise<string | null> {
  try {
    const res = await dockerRequest(dockerHost, 'GET', '/_ping', timeoutMs);
    return res.status === 200 ? null : `HTTP ${res.status} ${res.body.trim()}`.trim();
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** True when the engine answers `GET /_ping` with 200. Never throws. */
export async function pingDocker(dockerHost: string, timeoutMs = 2_000): Promise<boolean> {
  return (await probeDocker(dockerHost, timeoutMs)) === null;
}

/** True when the engine has an image by this reference. */
export async function imageExists(dockerHost: string, ref: string): Promise<boolean> {
  const res = await dockerRequest(dockerHost, 'GET', `/images/${encodeURI(ref)}/json`);
  if (res.status === 200) return true;
  if (res.status === 404) return false;
  throw new Error(`inspecting image ${ref} on ${dockerHost}: HTTP ${res.status} ${res.body.trim()}`);
}

/**
 * Pulls an image (`docker pull`); resolves with why it failed (the engine's or registry's words), or
 * null once the engine has it. Never throws. Docker answers 200 and then streams progress, so an
 * error can also come as an `{"error": …}` line of that stream.
 */
export async function pullImage(dockerHost: string, ref: string, timeoutMs = 60_000): Promise<string | null> {
  try {
    const res = await dockerRequest(dockerHost, 'POST', `/images/create?fromImage=${encodeURIComponent(ref)}`, timeoutMs);
    const lines = res.body.split('\n').filter(Boolean).map((line) => {
      try { return JSON.parse(line) as { error?: string; message?: string }; } catch { return {}; }
    });
    if (res.status !== 200) return lines[0]?.message ?? `HTTP ${res.status} ${res.body.trim()}`;
    return lines.find((line) => line.error)?.error ?? null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
