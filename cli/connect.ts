import type { HeliosClient } from '../core/client/createClient.js';
import type { GlobalOptions } from './command.js';
import { DEFAULT_MASTER } from './argv.js';

/**
 * The client of the master named by -z / HELIOS_MASTER, loaded on first use so that `--help` and
 * argument errors never pay for it. Sends `Helios-Owner: cli`; requests go over node:http(s) (see
 * core/client/httpFetch.ts for why), with --ca/--cert/--key when given. A master that cannot be
 * reached at the default address is most likely the one `npm start` (`helios solo`) runs: the
 * message asks whether it is running.
 */
export async function connect(global: GlobalOptions): Promise<HeliosClient> {
  const [{ createClient }, { createHttpFetch }, tls] = await Promise.all([
    import('../core/client/createClient.js'), import('../core/client/httpFetch.js'), readTls(global.tls)]);
  const fetch = createHttpFetch(tls);
  const clientOf = (baseUrl: string) => createClient({ baseUrl, token: global.authToken, owner: 'cli', fetch, tls,
    masterHint: baseUrl === DEFAULT_MASTER ? '-z or HELIOS_MASTER to another master; is `npm start` (or helios solo) running?' : undefined });
  if (global.masters.length === 1) return clientOf(global.masters[0]);
  // Several -z: the first master that answers (one GET /version each, only in this case).
  let lastError: unknown;
  for (const url of global.masters) {
    const client = clientOf(url);
    try {
      await client.version();
      return client;
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

async function readTls(paths: GlobalOptions['tls']) {
  if (!paths.ca && !paths.cert && !paths.key) return undefined;
  const { readTlsFiles } = await import('../core/client/tlsFiles.js');
  return readTlsFiles(paths);
}
