import type { dynamic } from '@pulumi/pulumi';
import type { RegistryCredentialInputs, RegistryCredentialOutputs } from './types.js';
import { isNotFound, masterClient, settingsFromConfig, type MasterSettings } from './masterClient.js';
import { loadCore } from './loadCore.js';
import { containsUnknown, UNKNOWN } from './unknowns.js';

/**
 * The dynamic provider of `RegistryCredential`: a registry account of the master (an admin token's).
 *
 *   create: registry login · update: login again under the name (a rotated password, another user
 *   or host: the next pull uses it) · delete: logout · read: gone when the master lacks the account
 *
 * The resource id is the account name. The password (the input, else the stack config
 * `helios:registryPasswords[name]`) goes to the master and nowhere else: the outputs, which Pulumi
 * stores, hold a salted scrypt digest of it, so a rotation is seen as a change without keeping it.
 */
export function createRegistryCredentialProvider(): dynamic.ResourceProvider<RegistryCredentialInputs, RegistryCredentialOutputs> {
  const settings: MasterSettings = {};
  const passwordOf = (inputs: RegistryCredentialInputs): string | undefined =>
    inputs.password ?? settings.registryPasswords?.[inputs.name ?? inputs.host];

  return {
    async configure(req) {
      Object.assign(settings, await settingsFromConfig(req.config));
    },

    async check(_olds, news) {
      const core = await loadCore();
      const failures: dynamic.CheckFailure[] = [];
      const known = (value: unknown) => value !== UNKNOWN;
      const { host, username, name } = news as unknown as Record<string, unknown>;
      if (known(host) && (typeof host !== 'string' || !/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(core.registryOfKey(host)))) {
        failures.push({ property: 'host', reason: `host: must be a registry host[:port], e.g. registry.example.com or 127.0.0.1:5000, got ${JSON.stringify(host)}` });
      }
      if (known(username) && (typeof username !== 'string' || username === '')) failures.push({ property: 'username', reason: 'username: must be the registry user, a non-empty string' });
      if (name !== undefined && known(name) && (typeof name !== 'string' || !new RegExp(core.REGISTRY_ACCOUNT_NAME).test(name))) {
        failures.push({ property: 'name', reason: `name: must match ${core.REGISTRY_ACCOUNT_NAME}, got ${JSON.stringify(name)}` });
      }
      const password = news.password as unknown;
      if (password !== undefined && known(password) && (typeof password !== 'string' || password === '')) {
        failures.push({ property: 'password', reason: 'password: must be a non-empty string (a secret)' });
      }
      if (password === undefined && !containsUnknown([host, name]) && passwordOf(news) === undefined) {
        failures.push({ property: 'password', reason: `password: give one (a secret), or set it in the stack config: pulumi config set --secret helios:registryPasswords '{"${String(name ?? host)}": "…"}'` });
      }
      return { inputs: { ...news, name: news.name ?? news.host }, failures };
    },

    async diff(_id, olds, news) {
      const core = await loadCore();
      const account = news.name ?? news.host;
      if (containsUnknown(account) || account !== olds.name) return { changes: true, replaces: ['name'], deleteBeforeReplace: true };
      const password = passwordOf(news);
      const updates = [
        (containsUnknown(news.host) || olds.host !== news.host) && 'host',
        (containsUnknown(news.username) || olds.username !== news.username) && 'username',
        (password === undefined || containsUnknown(password) || !(await core.matchesSecretDigest(password, olds.passwordDigest))) && 'password',
      ].filter((field): field is string => !!field);
      return updates.length === 0 ? { changes: false } : { changes: true, replaces: [] };
    },

    async create(inputs) {
      const outs = await logIn(inputs);
      return { id: outs.name, outs };
    },

    async update(_id, _olds, news) {
      return { outs: await logIn(news) };
    },

    async read(id, props) {
      const helios = await masterClient(settings, props?.owner);
      const account = (await helios.registry.list()).find((a) => a.name === id);
      if (!account) return {};
      const { name, host, username, created, updated } = account;
      return { id, props: { passwordDigest: '', ...props, name, host, username, created, updated } };
    },

    async delete(id, props) {
      const helios = await masterClient(settings, props.owner);
      try {
        await helios.registry.logout(id);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },
  };

  /** Logs the account in on the master (a new one, or its user and secret replaced); the outputs without the password. */
  async function logIn(inputs: RegistryCredentialInputs): Promise<RegistryCredentialOutputs> {
    const core = await loadCore();
    const name = inputs.name ?? inputs.host;
    const password = passwordOf(inputs);
    if (password === undefined) {
      throw new core.HeliosError('INVALID_ARGUMENT', `registry account ${name}: no password, neither given nor in the stack config helios:registryPasswords`, { account: name });
    }
    const helios = await masterClient(settings, inputs.owner);
    const account = await helios.registry.login(name, { host: inputs.host, username: inputs.username, password });
    const { password: _secret, ...rest } = inputs;
    return { ...rest, name, host: account.host, username: account.username, passwordDigest: await core.secretDigest(password), created: account.created, updated: account.updated };
  }
}

export const registryCredentialProvider = createRegistryCredentialProvider();
