import type { HeliosClient } from '../core/client/createClient.js';
import type { GlobalOptions } from './command.js';

/**
 * The client of the master named by -z / HELIOS_MASTER, loaded on first use so that `--help` and
 * argument errors never pay for it. Sends `Helios-Owner: cli`.
 */
export async function connect(global: GlobalOptions): Promise<HeliosClient> {
  const { createClient } = await import('../core/client/createClient.js');
  return createClient({ baseUrl: global.masters[0], token: global.authToken, owner: 'cli' });
}
