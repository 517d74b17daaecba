import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** One `auths` entry of a docker config, as `docker login` (or a hand) writes it. */
export interface DockerConfigAuth {
  /** base64 of `user:password`. */
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

/** The parts of `config.json` that say where registry credentials are. */
export interface DockerConfig {
  auths: Record<string, DockerConfigAuth>;
  /** The helper for every registry (`docker-credential-<credsStore>`). */
  credsStore?: string;
  /** A helper per registry, before `credsStore`. */
  credHelpers: Record<string, string>;
}

/** A docker config that cannot be used; the message names the file and the field, never a value. */
export class DockerConfigError extends Error {
  override name = 'DockerConfigError';
}

/** `--docker-config`'s default, as the docker CLI finds its config: `$DOCKER_CONFIG`, else `~/.docker`. */
export const defaultDockerConfigDir = (env: NodeJS.ProcessEnv = process.env) => env.DOCKER_CONFIG || join(homedir(), '.docker');

/** Helper names become program names (`docker-credential-NAME`): no path may hide in one. */
const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads `DIR/config.json`; a missing file is a config without credentials (anonymous pulls), as for
 * the docker CLI. Read on every call: a rotated password is used at the next pull.
 */
export async function readDockerConfig(dir: string): Promise<DockerConfig> {
  const file = join(dir, 'config.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { auths: {}, credHelpers: {} };
    throw new DockerConfigError(`cannot read docker config ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON.parse's message: it quotes the text around the mistake, which may be a password.
    throw new DockerConfigError(`docker config ${file} is not valid JSON`);
  }
  return parseDockerConfig(parsed, file);
}

export function parseDockerConfig(parsed: unknown, file: string): DockerConfig {
  if (!isObject(parsed)) throw new DockerConfigError(`docker config ${file} must be a JSON object`);
  // Built with fromEntries: a key "__proto__" stays a key (an assignment would set the prototype).
  const auths: Array<[string, DockerConfigAuth]> = [];
  if (parsed.auths !== undefined) {
    if (!isObject(parsed.auths)) throw new DockerConfigError(`docker config ${file}: auths must be an object`);
    for (const [key, entry] of Object.entries(parsed.auths)) {
      if (!isObject(entry)) throw new DockerConfigError(`docker config ${file}: auths["${key}"] must be an object`);
      const fields: DockerConfigAuth = {};
      for (const field of ['auth', 'username', 'password', 'identitytoken'] as const) {
        const value = entry[field];
        if (value === undefined || value === '') continue;
        if (typeof value !== 'string') throw new DockerConfigError(`docker config ${file}: auths["${key}"].${field} must be a string`);
        fields[field] = value;
      }
      auths.push([key, fields]);
    }
  }
  const helperName = (value: unknown, where: string): string => {
    if (typeof value !== 'string' || !HELPER_NAME.test(value)) {
      throw new DockerConfigError(`docker config ${file}: ${where} must name a credential helper (docker-credential-NAME), e.g. "pass"`);
    }
    return value;
  };
  const credsStore = parsed.credsStore === undefined || parsed.credsStore === '' ? undefined : helperName(parsed.credsStore, 'credsStore');
  if (parsed.credHelpers !== undefined && !isObject(parsed.credHelpers)) throw new DockerConfigError(`docker config ${file}: credHelpers must be an object`);
  const credHelpers = Object.entries(parsed.credHelpers ?? {}).map(([key, name]) => [key, helperName(name, `credHelpers["${key}"]`)]);
  return { auths: Object.fromEntries(auths), credHelpers: Object.fromEntries(credHelpers), ...(credsStore && { credsStore }) };
}
