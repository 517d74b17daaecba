/**
 * The token file: one token per line, `TOKEN ROLE [NAME]`, e.g.
 *
 *     # people
 *     3f9c…  admin   alice
 *     a81d…  deploy  ci
 *     77be…  read    dashboard
 *     0c4e…  agent                  # any host's agent (bind with agent:HOST, or per-host client certificates)
 *     e5a2…  sync:apps  apps-syncer # may apply only the source "apps" (sync:a,b for several)
 *
 * A line holding only a token is an admin token, as before roles existed (a warning names the line).
 * Blank lines and `#` comments (whole lines, or after whitespace) are allowed. Anything else stops the
 * master with the file and line.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { roles, type Role } from './principal.js';

export interface TokenEntry {
  token: string;
  role: Role;
  name: string;
  sources?: string[];
  host?: string;
}

export class TokenFileError extends Error {
  override name = 'TokenFileError';
  constructor(readonly file: string, readonly line: number | null, reason: string) {
    super(line === null ? `token file ${file}: ${reason}` : `${file}:${line}: ${reason}`);
  }
}

const TOKEN = /^[\x21-\x7e]+$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const SOURCE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const HOST = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;
const MIN_LENGTH = 16;
const ROLE_HELP = `a role is ${roles.filter((r) => r !== 'sync').join(', ')}, agent:HOST or sync:SOURCE`;

/** A word for an error message; a long one may be the token written in the wrong place, so it is not shown. */
const shown = (word: string) => (word.length < MIN_LENGTH ? JSON.stringify(word) : `a word of ${word.length} characters (not shown: it may be a token)`);

/** A name for a token given without one: stable across reloads, and telling nothing of the token. */
export const defaultTokenName = (token: string) => `token-${createHash('sha256').update(token).digest('hex').slice(0, 8)}`;

function parseRole(word: string, file: string, line: number): Pick<TokenEntry, 'role' | 'sources' | 'host'> {
  const [kind, binding, ...extra] = word.split(':');
  if (extra.length > 0) throw new TokenFileError(file, line, `${shown(word)} is not a role (${ROLE_HELP})`);
  if (kind === 'sync') {
    if (binding === undefined || binding === '') throw new TokenFileError(file, line, 'a sync token is bound to its sources: write sync:SOURCE (sync:a,b for several)');
    const sources = binding.split(',');
    const bad = sources.find((s) => !SOURCE.test(s));
    if (bad !== undefined) throw new TokenFileError(file, line, `${JSON.stringify(bad)} is not a sync source name`);
    return { role: 'sync', sources };
  }
  if (kind === 'agent' && binding !== undefined) {
    if (!HOST.test(binding)) throw new TokenFileError(file, line, `${JSON.stringify(binding)} is not a host name (agent:HOST)`);
    return { role: 'agent', host: binding };
  }
  if (binding !== undefined || !(roles as readonly string[]).includes(kind)) {
    throw new TokenFileError(file, line, `${shown(word)} is not a role (${ROLE_HELP})`);
  }
  return { role: kind as Role };
}

/**
 * @example
 *   parseTokenFile('s3cret-s3cret-s3cret deploy ci\n', '/etc/helios/tokens')
 *   // → { entries: [{ token: 's3cret-s3cret-s3cret', role: 'deploy', name: 'ci' }], warnings: [] }
 */
export function parseTokenFile(text: string, file: string): { entries: TokenEntry[]; warnings: string[] } {
  const entries: TokenEntry[] = [];
  const warnings: string[] = [];
  const tokenLine = new Map<string, number>();
  const nameLine = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const words = raw.replace(/(^|\s)#.*$/, '').trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) return;
    if (words.length > 3) throw new TokenFileError(file, line, `expected TOKEN ROLE [NAME], found ${words.length} words (a comment starts with # after a space)`);
    const [token, roleWord, nameWord] = words;
    if (!TOKEN.test(token)) throw new TokenFileError(file, line, 'a token is printable ASCII without spaces');
    const seen = tokenLine.get(token);
    if (seen !== undefined) throw new TokenFileError(file, line, `the same token as line ${seen}; every token must be different`);
    if (token.length < MIN_LENGTH) warnings.push(`${file}:${line}: the token is only ${token.length} characters; use at least ${MIN_LENGTH} (e.g. openssl rand -hex 24)`);
    const role = roleWord === undefined ? { role: 'admin' as const } : parseRole(roleWord, file, line);
    if (roleWord === undefined) warnings.push(`${file}:${line}: a token without a role is an admin token; write "TOKEN admin [NAME]" (or a narrower role) to say so`);
    if (nameWord !== undefined && !NAME.test(nameWord)) throw new TokenFileError(file, line, `${shown(nameWord)} is not a token name (letters, digits, ".", "_", "@", "-"; at most 64)`);
    const name = nameWord ?? defaultTokenName(token);
    const named = nameLine.get(name);
    if (named !== undefined) throw new TokenFileError(file, line, `the name ${name} is also on line ${named}; the audit log tells tokens apart by name`);
    tokenLine.set(token, line);
    nameLine.set(name, line);
    entries.push({ token, name, ...role });
  });
  if (entries.length === 0) throw new TokenFileError(file, null, 'holds no tokens');
  return { entries, warnings };
}

/** Reads and parses a token file; a file others may read is a warning (it holds root-equivalent secrets). */
export function loadTokenFile(file: string): { entries: TokenEntry[]; warnings: string[] } {
  let text: string;
  let mode: number;
  try {
    text = readFileSync(file, 'utf8');
    mode = statSync(file).mode;
  } catch (err) {
    throw new TokenFileError(file, null, `cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const parsed = parseTokenFile(text, file);
  if ((mode & 0o077) !== 0) parsed.warnings.push(`token file ${file} may be read by other users (mode ${(mode & 0o777).toString(8)}): chmod 600 ${file}`);
  return parsed;
}
