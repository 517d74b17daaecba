import { readFile } from 'node:fs/promises';

/**
 * The DNS search list, as the C library builds it (resolv.conf(5)): `LOCALDOMAIN` (blank-separated)
 * when set, else the last `search` or `domain` line of resolv.conf. Helios' CLI reads the same list
 * (through dnsjava) to shorten host names and to prefer hosts of the first domain.
 * @example searchDomainsOf('nameserver 10.0.0.1\nsearch corp.example.com example.com\n') // → ['corp.example.com', 'example.com']
 */
export function searchDomainsOf(resolvConf: string, localDomain?: string): string[] {
  if (localDomain !== undefined) return domains(localDomain);
  let list: string[] = [];
  for (const line of resolvConf.split('\n')) {
    const [keyword, ...words] = line.trim().split(/\s+/);
    if (keyword === 'search' || keyword === 'domain') list = domains(words.join(' '));
  }
  return list;
}

/** Words without their trailing dot (`example.com.` is `example.com`); the root `.` names no domain. */
const domains = (text: string) => text.split(/\s+/).map((d) => d.replace(/\.+$/, '')).filter(Boolean);

/** This machine's search list; none when resolv.conf cannot be read. */
export async function searchDomains(env: NodeJS.ProcessEnv, path = '/etc/resolv.conf'): Promise<string[]> {
  if (env.LOCALDOMAIN !== undefined) return searchDomainsOf('', env.LOCALDOMAIN);
  const text = await readFile(path, 'utf8').catch(() => '');
  return searchDomainsOf(text);
}
