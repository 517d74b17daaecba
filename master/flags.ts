/** helios-master's command line: flags → StartOptions, or a database command (backup, check). */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { StartOptions } from './server.js';
import type { TlsFiles } from './tls.js';
import { syncModes, type SyncMode } from './store/durableCommits.js';
import { parseDuration } from '../core/model/duration.js';
import { limitOptions, limitUsage, parseLimitFlags } from './limits/limitFlags.js';
import { parseReaperFlags, reaperOptions, reaperUsage } from './reapers/reaperFlags.js';
import { parseSizeFlags, sizeOptions, sizeUsage } from './limits/sizeFlags.js';
import { corsOriginProblem } from './cors.js';

export const usage = `usage: helios-master [options]
       helios-master backup FILE [--db PATH]
       helios-master check [--db PATH]
       helios-master migrate --to postgres://… [--from PATH]

  backup FILE             copy the database to FILE (made 0600; never over an existing file) while a
                          master serves from it: SQLite's online backup of one snapshot, checked
                          (quick_check) before it is kept
  check                   check the whole database (integrity_check, foreign_key_check), also while a
                          master serves from it: exit 0 when it is sound, 1 with what is wrong
                          (both SQLite only: on PostgreSQL use pg_dump -Fc and pg_restore, or its
                          replication and point-in-time recovery; PostgreSQL checks pages itself)
  migrate                 move a cluster from its SQLite file (--from, default the --db default) to an
                          empty PostgreSQL database (--to postgres://…): jobs, deployments, hosts,
                          statuses, history, sync sources, audit, the cluster id and the index, in one
                          transaction, so agents keep their containers; stop the master on the file
                          first (its lock is checked), then start the masters with --db postgres://…

  --http HOST:PORT        listen address (default 127.0.0.1:5801)
  --db PATH|URL           SQLite database file (default $HELIOS_HOME/master.db, HELIOS_HOME=~/.helios),
                          or postgres://USER:PASSWORD@HOST:PORT/DATABASE (or postgresql://…): PostgreSQL,
                          which any number of masters may share (one file has one master: its lock)
  --name NAME             this master's name (default: the host name)
  --token-file PATH       require "Authorization: Bearer <token>": one "TOKEN ROLE [NAME]" per line,
                          ROLE read, deploy, admin, agent[:HOST] or sync:SOURCE; # comments; SIGHUP
                          re-reads it (a line with only a token is an admin token, with a warning)
  --secrets-key-file PATH the key registry secrets are sealed with (helios registry login; AES-256-GCM):
                          64 hex digits, mode 0600 (a file any user may read is refused); default
                          $HELIOS_HOME/secrets.key, made 0600 at the first login when missing (a given
                          PATH must exist); every master of a cluster needs the same file
  --tls-cert FILE         serve HTTPS with this PEM certificate (chain after it); re-read on SIGHUP
  --tls-key FILE          the certificate's PEM private key (with --tls-cert); re-read on SIGHUP
  --client-ca FILE        require a client certificate signed by this PEM CA (mutual TLS)
  --insecure              allow a non-loopback --http address without TLS or authentication
                          (--tls-cert/--tls-key, and --token-file or --client-ca)
  --down-after DURATION   a host is DOWN after this long without a heartbeat (default 30s)
  --sync-mode MODE        full (default): every write but a heartbeat is on disk (fsync) before it is
                          answered, so it survives a power loss; normal: fsync at checkpoints only, so
                          a power loss may undo the last writes answered (a crash of the master never)
  --db-busy-timeout DURATION  how long a write waits for another process's lock on the database
                          (an sqlite3 shell), holding every request, before 503 DATABASE_BUSY (default 100ms;
                          SQLite only, as is --sync-mode: a PostgreSQL commit is on its disk when answered)
  --db-pool N             connections this master keeps to PostgreSQL for its requests (default 10; two
                          more of its own: LISTEN and the reapers' lease); every master's count, plus
                          theirs, must fit PostgreSQL's max_connections (100 by default)
${reaperUsage}
  Privileged job fields (repeatable; only an admin token creates jobs beyond them):
  --allow-host-path PATH  host paths under PATH may be bind-mounted ("/" and the Docker socket only
                          when listed exactly)
  --allow-network-mode M  host, or container (networkMode container:NAME)
  --allow-capability CAP  a capability jobs may add
  --allow-security-opt O  a securityOpt that lifts confinement, by exact value (e.g. seccomp=unconfined,
                          label=type:spc_t)
  --cors-origin ORIGIN    web pages of this origin (https://ui.example.com:8443, or * for any) may call
                          the API: CORS headers and preflights, and open its WebSockets (repeatable;
                          none by default, so no page of another origin can; * on a master without
                          --token-file lets any page deploy)
${limitUsage}
${sizeUsage}
  --log-level LEVEL       pino level (default info)
  -h, --help              show this help`;


const heliosHome = (env: NodeJS.ProcessEnv) => env.HELIOS_HOME || join(homedir(), '.helios');

/** `$HELIOS_HOME/master.db`, HELIOS_HOME defaulting to ~/.helios. */
const defaultDbPath = (env: NodeJS.ProcessEnv) => join(heliosHome(env), 'master.db');

/** `$HELIOS_HOME/secrets.key`. */
const defaultSecretsKeyPath = (env: NodeJS.ProcessEnv) => join(heliosHome(env), 'secrets.key');

/** `HOST:PORT`, `[::1]:PORT` or `:PORT`. */
export function parseHttp(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new Error(`cannot parse --http ${JSON.stringify(text)}: use HOST:PORT, e.g. 127.0.0.1:5801`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

export function parseFlags(argv: string[], env = process.env): StartOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      http: { type: 'string', default: '127.0.0.1:5801' },
      db: { type: 'string' },
      name: { type: 'string' },
      'token-file': { type: 'string' },
      'secrets-key-file': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'client-ca': { type: 'string' },
      insecure: { type: 'boolean', default: false },
      'down-after': { type: 'string', default: '30s' },
      'sync-mode': { type: 'string', default: 'full' },
      'db-busy-timeout': { type: 'string', default: '100ms' },
      'db-pool': { type: 'string', default: '10' },
      ...reaperOptions,
      'allow-host-path': { type: 'string', multiple: true, default: [] },
      'allow-network-mode': { type: 'string', multiple: true, default: [] },
      'allow-capability': { type: 'string', multiple: true, default: [] },
      'allow-security-opt': { type: 'string', multiple: true, default: [] },
      'cors-origin': { type: 'string', multiple: true, default: [] },
      ...limitOptions,
      ...sizeOptions,
      'log-level': { type: 'string', default: 'info' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  const { host, port } = parseHttp(values.http!);
  for (const path of values['allow-host-path']!) {
    if (!path.startsWith('/')) throw new Error(`--allow-host-path ${JSON.stringify(path)}: give an absolute path`);
  }
  for (const origin of values['cors-origin']!) {
    const problem = corsOriginProblem(origin);
    if (problem) throw new Error(`--cors-origin ${JSON.stringify(origin)}: ${problem}`);
  }
  for (const mode of values['allow-network-mode']!) {
    if (mode !== 'host' && mode !== 'container') throw new Error(`--allow-network-mode ${JSON.stringify(mode)}: it is host or container`);
  }
  return {
    host, port,
    dbPath: values.db ?? defaultDbPath(env),
    name: values.name,
    tokenFile: values['token-file'],
    secretsKeyFile: values['secrets-key-file'] === undefined
      ? { path: defaultSecretsKeyPath(env), create: true } : { path: values['secrets-key-file'], create: false },
    insecure: values.insecure,
    tls: tlsFlags(values['tls-cert'], values['tls-key'], values['client-ca']),
    downAfterMs: parseDuration(values['down-after']!, '--down-after'),
    syncMode: parseSyncMode(values['sync-mode']!),
    busyTimeoutMs: parseDuration(values['db-busy-timeout']!, '--db-busy-timeout'),
    dbPoolSize: parsePoolSize(values['db-pool']!),
    retention: parseReaperFlags(values),
    admission: {
      hostPaths: values['allow-host-path']!,
      networkModes: values['allow-network-mode']!,
      capabilities: values['allow-capability']!,
      securityOpts: values['allow-security-opt']!,
    },
    corsOrigins: values['cors-origin']!,
    limits: { ...parseLimitFlags(values), ...parseSizeFlags(values) },
    logger: { level: values['log-level']! },
  };
}

/** --tls-cert and --tls-key go together; --client-ca only with them. The files are read at start. */
function tlsFlags(certFile: string | undefined, keyFile: string | undefined, clientCaFile: string | undefined): TlsFiles | undefined {
  if (certFile && !keyFile) throw new Error('--tls-cert needs --tls-key FILE (the certificate\'s private key)');
  if (keyFile && !certFile) throw new Error('--tls-key needs --tls-cert FILE (the certificate it belongs to)');
  if (clientCaFile && !certFile) throw new Error('--client-ca needs --tls-cert FILE --tls-key FILE: client certificates are checked over TLS');
  return certFile && keyFile ? { certFile, keyFile, ...(clientCaFile ? { clientCaFile } : {}) } : undefined;
}

function parsePoolSize(text: string): number {
  const size = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(size >= 1 && size <= 1000)) throw new Error(`--db-pool ${JSON.stringify(text)}: give a whole number of connections from 1 to 1000 (default 10)`);
  return size;
}

function parseSyncMode(text: string): SyncMode {
  if (!(syncModes as readonly string[]).includes(text)) throw new Error(`--sync-mode ${JSON.stringify(text)}: it is ${syncModes.join(' or ')}`);
  return text as SyncMode;
}

/** What `helios-master` was asked to do: serve (the default), or a database command. */
export type MasterCommand =
  | { command: 'serve'; options: StartOptions }
  | { command: 'backup'; dbPath: string; file: string }
  | { command: 'check'; dbPath: string }
  | { command: 'migrate'; from: string; to: string }
  | { command: 'help' };

/** `helios-master [options]`, `backup FILE [--db PATH]`, `check [--db PATH]`, `migrate --to URL [--from PATH]`. */
export function parseCommandLine(argv: string[], env = process.env): MasterCommand {
  const [first, ...rest] = argv;
  if (first === 'migrate') return parseMigrate(rest, env);
  if (first !== 'backup' && first !== 'check') {
    const options = parseFlags(argv, env);
    return options === 'help' ? { command: 'help' } : { command: 'serve', options };
  }
  const { values, positionals } = parseArgs({
    args: rest,
    options: { db: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) return { command: 'help' };
  const dbPath = values.db ?? defaultDbPath(env);
  if (first === 'check') {
    if (positionals.length > 0) throw new Error(`check takes no arguments, got ${JSON.stringify(positionals[0])} (give the database as --db PATH)`);
    return { command: 'check', dbPath };
  }
  if (positionals.length !== 1) throw new Error('backup needs one FILE to write the copy to: helios-master backup FILE [--db PATH]');
  return { command: 'backup', dbPath, file: positionals[0] };
}

function parseMigrate(argv: string[], env: NodeJS.ProcessEnv): MasterCommand {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { from: { type: 'string' }, to: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) return { command: 'help' };
  if (positionals.length > 0) throw new Error(`migrate takes no arguments, got ${JSON.stringify(positionals[0])}: helios-master migrate --to postgres://… [--from PATH]`);
  if (!values.to) throw new Error('migrate needs --to postgres://USER:PASSWORD@HOST:PORT/DATABASE (an empty database: createdb one)');
  return { command: 'migrate', from: values.from ?? defaultDbPath(env), to: values.to };
}
