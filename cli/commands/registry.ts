import { HeliosError } from '../../core/errors/HeliosError.js';
import { defineCommand, type RunArgs } from '../command.js';
import { connect } from '../connect.js';
import { utcTimestamp } from '../format.js';
import { expectPositionals, stringFlag } from '../usage.js';
import { commandMeta } from '../registry.js';
import { ask, askSecret } from '../prompt.js';

export default defineCommand({
  ...commandMeta('registry'),
  help: `The master keeps registry accounts for agents that hold no credentials (an admin token's
commands). A job's image is pulled with the account its registryAuth field names, else with the
account of the image's registry (its only one, or among several the one named after the host),
else with the agent's own --docker-config. The secret is stored encrypted (AES-256-GCM under the
master's --secrets-key-file) and handed only to the agent of a host the job is deployed on, for
that pull; no answer of the master shows it.
'registry login HOST [-u USER] [--password-stdin] [--name NAME]' log in to HOST (host[:port], e.g.
  registry.example.com or 127.0.0.1:5000; docker.io for Docker Hub) as USER, with the password or
  token read from stdin (never an argument: ps and shell history would show it); on a terminal, a
  user or password not given is asked for, the password without echo (as docker login). NAME (default HOST) is what
  a job's registryAuth names; logging in again under a name replaces its user and secret, and the
  next pull uses them. Here -u is the registry's user (as for docker login), not Helios-User.
  --json: {"name", "host", "username", "created", "updated"}
'registry list' the accounts, as a table: NAME  HOST  USER  UPDATED (UTC); --json: [account, …]
'registry logout HOST|NAME' remove the account of that name, or the only one of that registry
  (AMBIGUOUS_REGISTRY_ACCOUNT names them when it has several); --json: {"status", "removed": account}`,
  options: { 'password-stdin': { type: 'boolean' }, name: { type: 'string' } },
  async run(args) {
    const sub = args.positionals[0];
    if (sub === 'login') return login(this, args);
    if (sub === 'list') return list(this, args);
    if (sub === 'logout') return logout(this, args);
    throw new HeliosError('INVALID_ARGUMENT', `unknown registry command '${sub ?? ''}': usage: helios ${this.synopsis}`);
  },
});

type Self = { name: string; synopsis: string };

async function login(self: Self, { positionals, flags, global, out }: RunArgs): Promise<void> {
  expectPositionals(self, positionals, 2);
  const host = positionals[1];
  const username = global.username
    ?? (await ask('Username: ', `registry login needs the registry's user: -u USER (stdin is not a terminal to ask on): usage: helios ${self.synopsis}`)).trim();
  if (!username) throw new HeliosError('INVALID_ARGUMENT', 'registry login: no user given');
  const password = flags['password-stdin'] === true
    ? (await readStdin()).replace(/\r?\n$/, '')
    : await askSecret('Password: ', 'registry login reads the password from stdin: give --password-stdin, or run it on a terminal to be asked '
      + '(never the password as an argument: ps and shell history would show it)');
  if (password === '') throw new HeliosError('INVALID_ARGUMENT', `registry login: ${flags['password-stdin'] === true ? 'stdin held' : 'you gave'} no password`);
  // -u is the registry's user here: it is not sent as Helios-User.
  const client = await connect({ ...global, username: undefined });
  const account = await client.registry.login(stringFlag(flags.name) ?? host, { host, username, password });
  if (out.json) out.printJson(account);
  else out.print(`${account.name}: logged in to ${account.host} as ${account.username}`);
}

async function list(self: Self, { positionals, global, out }: RunArgs): Promise<void> {
  expectPositionals(self, positionals, 1);
  const accounts = await (await connect(global)).registry.list();
  if (out.json) {
    out.printJson(accounts);
    return;
  }
  if (accounts.length === 0) {
    out.info('No registry accounts: helios registry login HOST -u USER --password-stdin adds one.');
    return;
  }
  await out.printTable(['NAME', 'HOST', 'USER', 'UPDATED (UTC)'], accounts.map((a) => [a.name, a.host, a.username, utcTimestamp(a.updated)]));
}

async function logout(self: Self, { positionals, global, out }: RunArgs): Promise<void> {
  expectPositionals(self, positionals, 2);
  const answer = await (await connect(global)).registry.logout(positionals[1]);
  if (out.json) out.printJson(answer);
  else out.print(`${answer.removed.name}: logged out of ${answer.removed.host}`);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
