import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { HeliosError } from '../core/errors/HeliosError.js';
import { masterList } from '../core/client/masterList.js';

/** Where the CLI finds its masters when no -z or -d is given: Helios' CliConfig. */
export interface CliConfig {
  /** Master URLs: one cluster, tried in order (fail-over). */
  masterEndpoints: string[];
  /** Domains whose masters an SRV lookup finds: one cluster each. */
  domains: string[];
  /** The SRV service name (`_<srvName>._https.<domain>`); Helios' default `helios`. */
  srvName: string;
}

export const DEFAULT_SRV_NAME = 'helios';

const MASTER_URL = /^https?:\/\/[^/\s]+/;

/**
 * `~/.helios/config` (JSON: `masterEndpoints`, `domains`, `srvName`; the home is `HOME`) overlaid by
 * `HELIOS_MASTER`, as Helios' CliConfig.fromUserConfig does: when HELIOS_MASTER is set it replaces the
 * file's endpoints and domains (`domain://DOMAIN` is a domain, `http(s)://…` an endpoint) and only the
 * file's srvName stays. A missing file is no configuration; a file that is not JSON of that shape is
 * an error naming the file and the key. Helios reads the file as HOCON, of which JSON is the part we take.
 * @example readCliConfig({ HOME: '/home/me', HELIOS_MASTER: 'domain://example.com' })
 *   // → { masterEndpoints: [], domains: ['example.com'], srvName: 'helios' } (srvName from the file if it has one)
 */
export function readCliConfig(env: NodeJS.ProcessEnv): CliConfig {
  const path = join(env.HOME || homedir(), '.helios', 'config');
  const file = parseConfigFile(path, readConfigText(path));
  const srvName = file.srvName ?? DEFAULT_SRV_NAME;
  const master = env.HELIOS_MASTER;
  if (!master) return { masterEndpoints: file.masterEndpoints ?? [], domains: file.domains ?? [], srvName };
  const domain = /^domain:\/\/([^/\s]+)\/?$/.exec(master)?.[1];
  if (domain) return { masterEndpoints: [], domains: [domain], srvName };
  // HELIOS_MASTER=A,B: the masters of one cluster, as -z A -z B.
  if (MASTER_URL.test(master)) return { masterEndpoints: masterList([master], 'HELIOS_MASTER'), domains: [], srvName };
  throw new HeliosError('INVALID_ARGUMENT', `HELIOS_MASTER=${master} is not a master: expected http://host:port, https://host:port or domain://DOMAIN`);
}

function readConfigText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new HeliosError('INVALID_ARGUMENT', `${path} cannot be read (${code ?? (err as Error).message})`, {}, { cause: err });
  }
}

/** The file's keys, each checked; unknown keys are ignored, as Helios ignores them. */
export function parseConfigFile(path: string, text: string | undefined): Partial<CliConfig> {
  if (text === undefined || text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new HeliosError('INVALID_ARGUMENT', `${path} is not valid JSON: ${(err as Error).message}`, {}, { cause: err });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HeliosError('INVALID_ARGUMENT', `${path} must hold a JSON object with masterEndpoints, domains and srvName`);
  }
  const config = value as Record<string, unknown>;
  const strings = (key: string): string[] | undefined => {
    const list = config[key];
    if (list === undefined) return undefined;
    if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) {
      throw new HeliosError('INVALID_ARGUMENT', `${path}: ${key} must be a list of strings, got ${JSON.stringify(list)}`);
    }
    return list as string[];
  };
  const masterEndpoints = strings('masterEndpoints');
  const bad = masterEndpoints?.find((url) => !MASTER_URL.test(url));
  if (bad !== undefined) throw new HeliosError('INVALID_ARGUMENT', `${path}: masterEndpoints has '${bad}': expected http://host:port or https://host:port`);
  const srvName = config.srvName;
  if (srvName !== undefined && (typeof srvName !== 'string' || srvName === '')) {
    throw new HeliosError('INVALID_ARGUMENT', `${path}: srvName must be a non-empty string, got ${JSON.stringify(srvName)}`);
  }
  return { masterEndpoints, domains: strings('domains'), srvName: srvName as string | undefined };
}
