import type { HeliosClient } from '../core/client/createClient.js';
import type { TlsOptions } from '../core/client/transport.js';
import type { GlobalOptions } from './command.js';
import { DEFAULT_MASTER } from './argv.js';

/**
 * The client of the cluster's masters (`global.masters`: -z, HELIOS_MASTER, ~/.helios/config or an
 * SRV lookup, see clusters.ts), loaded on first use so that `--help` and argument errors never pay for
 * it. Sends `Helios-Owner: cli` and `Helios-User` (-u, else the OS user); requests go over
 * node:http(s) (see core/client/httpFetch.ts for why), with --ca/--cert/--key when given, to the
 * master that answers (masterFetch.ts: fail-over, --http-timeout, --retry-timeout). A master that
 * cannot be reached at the default address is most likely the one `npm start` (`helios solo`) runs:
 * the message asks whether it is running.
 */
export async function connect(global: GlobalOptions): Promise<HeliosClient> {
  const [{ createClient }, { createHttpFetch }, { createMasterFetch }, { reachHints, unreachable }, tls] = await Promise.all([
    import('../core/client/createClient.js'), import('../core/client/httpFetch.js'), import('./masterFetch.js'),
    import('../core/client/unreachable.js'), readTls(global.tls, global.insecure)]);
  const { masters, httpTimeoutMs, retryTimeoutMs } = global;
  const masterHint = masters.length === 1 && masters[0] === DEFAULT_MASTER
    ? '-z or HELIOS_MASTER to another master; is `npm start` (or helios solo) running?' : undefined;
  const hints = reachHints({ masterHint });
  const fetch = createMasterFetch({
    masters, send: createHttpFetch(tls), httpTimeoutMs, retryTimeoutMs,
    explain: (master, err) => unreachable(master, err, hints, tls?.cert !== undefined),
  });
  return createClient({
    baseUrl: masters[0], token: global.authToken, owner: 'cli', user: global.username, fetch, tls, masterHint,
    // Each attempt has its own --http-timeout (masterFetch.ts); this bounds the whole of a request's retries.
    timeoutMs: retryTimeoutMs + (masters.length + 1) * httpTimeoutMs + 1_000,
  });
}

/** The PEM texts of --ca/--cert/--key (HELIOS_CA, …), checked; undefined when none is given and no check is skipped. */
export async function readTls(paths: GlobalOptions['tls'], insecure: boolean): Promise<TlsOptions | undefined> {
  const skip = insecure ? { skipHostnameCheck: true } : undefined;
  if (!paths.ca && !paths.cert && !paths.key) return skip;
  const { readTlsFiles } = await import('../core/client/tlsFiles.js');
  return { ...readTlsFiles(paths), ...skip };
}
