import { parseImageRef } from './image.js';

/** Docker Hub's names: what an image reference or a docker config may call it. */
const HUB_NAMES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/**
 * The server address the docker CLI looks Docker Hub's credentials up under (`docker login` writes
 * it, credential helpers are asked for it, the engine takes it as an AuthConfig's serveraddress).
 */
export const HUB_SERVER_ADDRESS = 'https://index.docker.io/v1/';

/**
 * The registry an image is pulled from, as `host[:port]`; `docker.io` for Docker Hub whatever alias the
 * reference uses (or none).
 * @example registryOf('127.0.0.1:5000/team/web:1') // → '127.0.0.1:5000'; registryOf('busybox') // → 'docker.io'
 */
export function registryOf(image: string): string {
  const { registry } = parseImageRef(image);
  return !registry || HUB_NAMES.has(registry.toLowerCase()) ? 'docker.io' : registry.toLowerCase();
}

/**
 * The registry a docker config key (or `helios registry login HOST`) names, as the docker CLI reads
 * legacy keys (`ConvertToHostname`): the scheme and any path dropped (`https://index.docker.io/v1/` →
 * `index.docker.io`), Hub's aliases made `docker.io`. Host names are compared without case, as DNS does.
 */
export function registryOfKey(key: string): string {
  const host = key.replace(/^https?:\/\//i, '').split('/')[0].toLowerCase();
  return HUB_NAMES.has(host) ? 'docker.io' : host;
}

/** What a credential helper is asked for, and an AuthConfig's serveraddress: the hub's server address, or `host[:port]`. */
export const serverAddressOf = (registry: string) => (registry === 'docker.io' ? HUB_SERVER_ADDRESS : registry);
