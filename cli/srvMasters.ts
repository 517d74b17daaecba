import { HeliosError } from '../core/errors/HeliosError.js';

/**
 * The masters of a domain from DNS SRV records, as Helios' Resolver finds them: `_helios._https.DOMAIN`
 * (https://target:port each), and only when it has none `_helios._http.DOMAIN` (http://…), with the
 * service name from --srv-name / srvName and the name formats from Helios' HELIOS_HTTPS_SRV_FORMAT and
 * HELIOS_HTTP_SRV_FORMAT (`_%s._https.%s`: service, then domain). Records are taken in priority
 * order (RFC 2782), the heavier first within one priority; the answer's order otherwise. The lookup
 * uses the system's resolver; HELIOS_DNS_SERVER (`IP[:PORT]`) names another, which the tests use to
 * ask a DNS server of their own on 127.0.0.1.
 * @example await srvMasters('helios', 'example.com', process.env) // → ['https://m1.example.com:443', 'https://m2.example.com:443']
 */
export async function srvMasters(service: string, domain: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const { Resolver } = await import('node:dns/promises');
  const resolver = new Resolver({ timeout: 2_000, tries: 2 });
  if (env.HELIOS_DNS_SERVER) resolver.setServers([env.HELIOS_DNS_SERVER]);
  const names: string[] = [];
  for (const scheme of ['https', 'http'] as const) {
    const format = (scheme === 'https' ? env.HELIOS_HTTPS_SRV_FORMAT : env.HELIOS_HTTP_SRV_FORMAT) || `_%s._${scheme}.%s`;
    const name = srvName(format, service, domain);
    names.push(name);
    let records: Awaited<ReturnType<typeof resolver.resolveSrv>>;
    try {
      records = await resolver.resolveSrv(name);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA') continue;
      throw new HeliosError('MASTER_UNREACHABLE', `cannot look up the masters of ${domain}: SRV ${name} failed (${code ?? (err as Error).message})`, { domain }, { cause: err });
    }
    if (records.length === 0) continue;
    return records
      .map((record, index) => ({ ...record, index }))
      .sort((a, b) => a.priority - b.priority || b.weight - a.weight || a.index - b.index)
      .map((record) => `${scheme}://${record.name.includes(':') ? `[${record.name}]` : record.name}:${record.port}`);
  }
  throw new HeliosError('MASTER_UNREACHABLE', `no helios master found in ${domain}: no SRV record ${names.join(' or ')} (set -d, -z or HELIOS_MASTER)`, { domain });
}

/** Helios' String.format of the SRV name: the first %s is the service, the second the domain. */
const srvName = (format: string, service: string, domain: string) => {
  const values = [service, domain];
  return format.replace(/%s/g, () => values.shift() ?? '');
};
