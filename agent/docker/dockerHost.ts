import type { DockerOptions } from 'dockerode';

/**
 * Where the engine listens: `unix:///path` (or a bare `/path`), `tcp://host:port` or `http://host:port`.
 * Throws a plain Error naming the value for anything else (TLS and ssh are not supported).
 */
export function dockerConnection(dockerHost: string): DockerOptions {
  if (dockerHost.startsWith('unix://')) return { socketPath: dockerHost.slice('unix://'.length) };
  if (dockerHost.startsWith('/')) return { socketPath: dockerHost };
  const match = /^(?:tcp|http):\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(dockerHost);
  if (!match) throw new Error(`unsupported docker host "${dockerHost}": use unix:///path/docker.sock or tcp://host:port`);
  return { host: match[1].replace(/^\[|\]$/g, ''), port: match[2] ? Number(match[2]) : 2375, protocol: 'http' };
}

export const defaultDockerHost = (env: NodeJS.ProcessEnv = process.env) => env.DOCKER_HOST || 'unix:///var/run/docker.sock';
