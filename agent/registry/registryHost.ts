import { registryOfKey, serverAddressOf } from '../../core/index.js';

/**
 * The value of the first key naming `registry` (an exact `host[:port]` key first, as the docker CLI
 * looks it up before it converts legacy keys).
 */
export function lookUpByRegistry<T>(entries: Record<string, T> | undefined, registry: string): T | undefined {
  if (!entries) return undefined;
  const key = [serverAddressOf(registry), registry].find((k) => Object.hasOwn(entries, k))
    ?? Object.keys(entries).find((k) => registryOfKey(k) === registry);
  return key === undefined ? undefined : entries[key];
}
