import type { HeliosClient } from '../core/client/createClient.js';
import type { GlobalOptions } from './command.js';

/**
 * The client of the master named by -z / HELIOS_MASTER, loaded on first use so that `--help` and
 * argument errors never pay for it. Sends `Helios-Owner: cli`; requests go over node:http (see
 * httpFetch.ts for why).
 */
export async function connect(global: GlobalOptions): Promise<HeliosClient> {
  const [{ createClient }, { httpFetch }] = await Promise.all([import('../core/client/createClient.js'), import('./httpFetch.js')]);
  return createClient({ baseUrl: global.masters[0], token: global.authToken, owner: 'cli', fetch: httpFetch });
}
