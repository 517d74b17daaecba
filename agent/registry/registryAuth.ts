/**
 * Registry credentials as the docker CLI finds them in its config (docker/cli cli/config): a
 * `credHelpers` entry for the registry, else `credsStore`, runs `docker-credential-NAME get`; otherwise
 * the `auths` entry. Keys are matched by `host[:port]` (registryHost.ts), Docker Hub under any of its
 * names. The config is read again for every pull, so a rotated password or token works without a
 * restart. Nothing here logs: a secret lives only in the value handed to the pull.
 */
import { getFromCredentialHelper } from './credentialHelper.js';
import { DockerConfigError, readDockerConfig, type DockerConfigAuth } from './dockerConfig.js';
import { registryOf, serverAddressOf } from '../../core/index.js';
import { lookUpByRegistry } from './registryHost.js';

/** Docker's AuthConfig, as the engine takes it in X-Registry-Auth. */
export interface RegistryAuth {
  serveraddress: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

/** Where a pull's credentials came from, for logs and errors (never the credentials). */
export interface FoundAuth {
  auth: RegistryAuth | undefined;
  source: string;
}

/** How long a credential helper may take (the docker CLI waits for ever; a hung keychain must not hold a task). */
export const CREDENTIAL_HELPER_TIMEOUT_MS = 10_000;

/**
 * The credentials for pulling `image` per the docker config in `dir`, with where they came from;
 * `auth` is undefined for an anonymous pull. Throws DockerConfigError or CredentialHelperError.
 * @example await findRegistryAuth('127.0.0.1:5000/team/web:1', '/root/.docker') // → { auth: { serveraddress: '127.0.0.1:5000', username, password }, source: 'auths' }
 */
export async function findRegistryAuth(image: string, dir: string, helperTimeoutMs = CREDENTIAL_HELPER_TIMEOUT_MS): Promise<FoundAuth> {
  const registry = registryOf(image);
  const serveraddress = serverAddressOf(registry);
  const config = await readDockerConfig(dir);
  const helper = lookUpByRegistry(config.credHelpers, registry) ?? config.credsStore;
  if (helper) {
    const source = `docker-credential-${helper}`;
    const found = await getFromCredentialHelper(helper, serveraddress, helperTimeoutMs);
    if (!found) return { auth: undefined, source };
    const auth = found.username === '<token>'
      ? { serveraddress, identitytoken: found.secret }
      : { serveraddress, username: found.username, password: found.secret };
    return { auth, source };
  }
  const entry = lookUpByRegistry(config.auths, registry);
  return { auth: entry && fromAuthsEntry(entry, serveraddress, `${dir}/config.json`), source: 'auths' };
}

/** An `auths` entry as the engine takes it: `auth` (base64 `user:password`) wins over `username`/`password`. */
function fromAuthsEntry(entry: DockerConfigAuth, serveraddress: string, file: string): RegistryAuth | undefined {
  let { username, password } = entry;
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw new DockerConfigError(`docker config ${file}: the auth of ${serveraddress} is not base64 of user:password`);
    [username, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
  }
  const identitytoken = entry.identitytoken;
  if (!username && !password && !identitytoken) return undefined;
  return { serveraddress, ...(username && { username }), ...(password && { password }), ...(identitytoken && { identitytoken }) };
}
