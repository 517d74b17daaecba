import { loadCore } from './loadCore.js';

/** Where the master is, from stack config (`configure`); unset fields fall back to the environment. */
export interface MasterSettings {
  master?: string;
  token?: string;
}

export const DEFAULT_MASTER = 'http://127.0.0.1:5801';

/** Reads `helios:master` and `helios:token` from the stack config the engine hands to `configure`. */
export function settingsFromConfig(config: { get(key: string): string | undefined }): MasterSettings {
  return { master: config.get('helios:master') || undefined, token: config.get('helios:token') || undefined };
}

/**
 * A client of the master, made per call (no socket or timer outlives a method, so nothing of it is
 * ever captured when Pulumi serializes the provider). Everything it creates is owned `pulumi`.
 */
export async function masterClient(settings: MasterSettings) {
  const core = await loadCore();
  return core.createClient({
    baseUrl: settings.master || process.env.HELIOS_MASTER || DEFAULT_MASTER,
    token: settings.token || process.env.HELIOS_TOKEN || undefined,
    owner: 'pulumi',
    masterHint: 'the stack config helios:master or HELIOS_MASTER',
  });
}

export type MasterClient = Awaited<ReturnType<typeof masterClient>>;

/** True for the errors that mean "that thing is not on the master" (refresh reads it as gone). */
export function isNotFound(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'JOB_NOT_FOUND' || code === 'JOB_NOT_DEPLOYED' || code === 'HOST_NOT_FOUND' || code === 'NOT_FOUND';
}
