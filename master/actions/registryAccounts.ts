/**
 * Registry accounts (helios registry login/list/logout) and the choice of one for a pull. A secret is
 * sealed as it arrives and opened only for the agent that pulls (routes/agents.ts); nothing here
 * returns or logs it.
 */
import { randomUUID } from 'node:crypto';
import { HeliosError, registryOf, registryOfKey, serverAddressOf, type Job, type RegistryAccount, type RegistryCredential, type RegistryLogin } from '../../core/index.js';
import type { MasterSecrets } from '../secrets/masterSecrets.js';
import type { Queries, Store } from '../store/store.js';
import type { StoredRegistryAccount } from '../store/registryAccounts.js';
import { audit, type Actor } from './guards.js';

/** What the API shows of an account: never its secret, nor the id its secret is sealed with. */
export const accountView = ({ name, host, username, created, updated }: StoredRegistryAccount): RegistryAccount =>
  ({ name, host, username, created, updated });

/** Logs `name` in (a new account), or replaces its host, user and secret (rotation: the next pull uses it). */
export async function loginAccount(store: Store, secrets: MasterSecrets, actor: Actor, name: string, login: RegistryLogin): Promise<RegistryAccount> {
  const host = registryOfKey(login.host);
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(host)) {
    throw new HeliosError('INVALID_REQUEST', `host ${JSON.stringify(login.host.slice(0, 100))} is not a registry host[:port]`, { field: 'host' });
  }
  return store.write(async (tx) => {
    const now = Date.now();
    const before = await tx.registryAccounts.get(name);
    const id = before?.id ?? randomUUID();
    const account = { name, id, host, username: login.username, secret: secrets.seal(login.password, id), created: before?.created ?? now, updated: now };
    await tx.registryAccounts.put(account, tx.index);
    await audit(tx, actor, { action: 'registry-login', detail: { account: name, registry: host, username: login.username, replaced: before !== undefined } });
    return accountView(account);
  });
}

/** Removes the account named `ref`, else the one account of registry host `ref`. */
export async function logoutAccount(store: Store, actor: Actor, ref: string): Promise<RegistryAccount> {
  return store.write(async (tx) => {
    const account = await tx.registryAccounts.get(ref) ?? await onlyAccountOf(tx, ref);
    await tx.registryAccounts.remove(account.name);
    await audit(tx, actor, { action: 'registry-logout', detail: { account: account.name, registry: account.host, username: account.username } });
    return accountView(account);
  });
}

async function onlyAccountOf(q: Queries, ref: string): Promise<StoredRegistryAccount> {
  const accounts = await q.registryAccounts.ofHost(registryOfKey(ref));
  if (accounts.length === 1) return accounts[0];
  if (accounts.length === 0) throw new HeliosError('REGISTRY_ACCOUNT_NOT_FOUND', `no registry account named ${ref}, nor for registry ${ref}`, { account: ref });
  throw new HeliosError('AMBIGUOUS_REGISTRY_ACCOUNT',
    `registry ${ref} has ${accounts.length} accounts (${accounts.map((a) => a.name).join(', ')}): log out one by its name`, { accounts: accounts.map((a) => a.name) });
}

/**
 * The account a pull of `job` uses, or undefined (the agent's own docker config then): the one its
 * `registryAuth` names (which must be for the image's registry), else the image registry's only
 * account, else among several the one named after the registry host (what a login without --name
 * makes). Account names are one namespace for the cluster, so "the default" is the host's own name
 * rather than a name `default` only one registry could have.
 */
export async function accountFor(q: Queries, job: Job): Promise<StoredRegistryAccount | undefined> {
  const registry = registryOf(job.image);
  if (job.registryAuth !== undefined) {
    const named = await q.registryAccounts.get(job.registryAuth);
    if (!named) throw new HeliosError('REGISTRY_ACCOUNT_NOT_FOUND', `job ${job.id} pulls with registry account ${job.registryAuth}, which the master does not hold (helios registry login --name ${job.registryAuth})`, { account: job.registryAuth });
    if (named.host !== registry) {
      throw new HeliosError('REGISTRY_ACCOUNT_NOT_FOUND', `registry account ${named.name} is for ${named.host}, but job ${job.id} pulls from ${registry}`, { account: named.name });
    }
    return named;
  }
  const accounts = await q.registryAccounts.ofHost(registry);
  return accounts.length === 1 ? accounts[0] : accounts.find((a) => a.name === registry);
}

/** The engine's AuthConfig for an account: the secret opened for this pull only. */
export const credentialOf = (secrets: MasterSecrets, account: StoredRegistryAccount): RegistryCredential =>
  ({ serveraddress: serverAddressOf(account.host), username: account.username, password: secrets.open(account.secret, account.id) });
