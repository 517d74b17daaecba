/** helios-master's command line: flags → StartOptions. */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseTokenFile } from './auth.js';
import type { StartOptions } from './server.js';
import { parseDuration } from '../core/model/duration.js';

export const usage = `usage: helios-master [options]

  --http HOST:PORT        listen address (default 127.0.0.1:5801)
  --db PATH               SQLite database (default $HELIOS_HOME/master.db, HELIOS_HOME=~/.helios)
  --name NAME             this master's name (default: the host name)
  --token-file PATH       require "Authorization: Bearer <token>"; one token per line, # comments
  --insecure              allow a non-loopback --http address without --token-file
  --down-after DURATION   a host is DOWN after this long without a heartbeat (default 30s)
  --allow-capability CAP  a capability jobs may add (repeatable)
  --log-level LEVEL       pino level (default info)
  -h, --help              show this help`;


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
      insecure: { type: 'boolean', default: false },
      'down-after': { type: 'string', default: '30s' },
      'allow-capability': { type: 'string', multiple: true, default: [] },
      'log-level': { type: 'string', default: 'info' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  const { host, port } = parseHttp(values.http!);
  const home = env.HELIOS_HOME || join(homedir(), '.helios');
  const tokenFile = values['token-file'];
  const tokens = tokenFile ? parseTokenFile(readFileSync(tokenFile, 'utf8')) : [];
  if (tokenFile && tokens.length === 0) throw new Error(`token file ${tokenFile} holds no tokens`);
  return {
    host, port,
    dbPath: values.db ?? join(home, 'master.db'),
    name: values.name,
    tokens,
    insecure: values.insecure,
    downAfterMs: parseDuration(values['down-after']!, '--down-after'),
    allowedCapabilities: values['allow-capability'],
    logger: { level: values['log-level']! },
  };
}

