import { Type, type Static } from '@sinclair/typebox';

/**
 * A registry account's name: the job field `registryAuth` names one. `helios registry login HOST`
 * without --name names it after the host (`127.0.0.1:5000`, `docker.io`), hence `:` among the characters.
 */
export const REGISTRY_ACCOUNT_NAME = '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$';

export const RegistryAccountName = Type.String({ pattern: REGISTRY_ACCOUNT_NAME, description: 'a registry account of the master (helios registry list)' });

/** `PUT /registry/accounts/:name`: log the account in, or replace its user and secret (rotation). */
export const RegistryLoginSchema = Type.Object({
  /** The registry as `host[:port]` (a URL or Hub alias is accepted and made so). */
  host: Type.String({ minLength: 1, maxLength: 255 }),
  username: Type.String({ minLength: 1, maxLength: 255 }),
  /** The password or access token; stored encrypted, never answered. */
  password: Type.String({ minLength: 1, maxLength: 16_384 }),
}, { additionalProperties: false });
export type RegistryLogin = Static<typeof RegistryLoginSchema>;

/** A registry account as the API shows it: never its secret. */
export interface RegistryAccount {
  name: string;
  /** `host[:port]`, `docker.io` for Docker Hub. */
  host: string;
  username: string;
  /** Milliseconds since the epoch: first login, and the last one (the secret's age). */
  created: number;
  updated: number;
}

/** Docker's AuthConfig for one pull, as the engine takes it in X-Registry-Auth. */
export interface RegistryCredential {
  serveraddress: string;
  username: string;
  password: string;
}

/**
 * `GET /agents/:host/registry-auth?job=ID`: the credential for pulling the job's image on that host,
 * or null when the master holds no account for it (the agent then uses its --docker-config).
 */
export interface RegistryAuthAnswer {
  auth: RegistryCredential | null;
  /** The account used, for the agent's log. */
  account?: string;
}
