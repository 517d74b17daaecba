import { loadCore } from './loadCore.js';
import { LEGACY_OWNER, type Claimant } from './ownership.js';
import { tlsOptions, type TlsConfig } from './tlsConfig.js';

/** Where the master is and how to reach it, from stack config (`configure`); unset fields fall back to the environment. */
export interface MasterSettings {
  master?: string;
  token?: string;
  tls?: TlsConfig;
  /** `helios:adoptLegacy true`: resources owned plain `pulumi` (made before stacks owned theirs) count as this stack's. */
  adoptLegacy?: boolean;
  /** `helios:registryPasswords` (set it with --secret): a RegistryCredential's password by account name. */
  registryPasswords?: Record<string, string>;
}

export const DEFAULT_MASTER = 'http://127.0.0.1:5801';

/**
 * Reads `helios:master`, `helios:token`, `helios:ca|cert|key`, `helios:adoptLegacy` and
 * `helios:registryPasswords` from the stack config `configure` gets.
 */
export async function settingsFromConfig(config: { get(key: string): string | undefined }): Promise<MasterSettings> {
  const value = (key: string) => config.get(`helios:${key}`) || undefined;
  const adoptLegacy = value('adoptLegacy');
  if (adoptLegacy !== undefined && adoptLegacy !== 'true' && adoptLegacy !== 'false') {
    const core = await loadCore();
    throw new core.HeliosError('INVALID_ARGUMENT', `stack config helios:adoptLegacy must be true or false, got ${JSON.stringify(adoptLegacy)}`,
      { key: 'helios:adoptLegacy' });
  }
  return {
    registryPasswords: await registryPasswordsOf(value('registryPasswords')),
    master: value('master'),
    token: value('token'),
    tls: { ca: value('ca'), cert: value('cert'), key: value('key') },
    adoptLegacy: adoptLegacy === 'true',
  };
}

/** `helios:registryPasswords`: a JSON object of account name to password; an error never shows the value. */
async function registryPasswordsOf(text: string | undefined): Promise<Record<string, string> | undefined> {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && Object.values(parsed).every((v) => typeof v === 'string' && v !== '')) {
    return parsed as Record<string, string>;
  }
  const core = await loadCore();
  throw new core.HeliosError('INVALID_ARGUMENT',
    'stack config helios:registryPasswords must be a JSON object of registry account name to password, e.g. {"127.0.0.1:5000": "…"} (set it with --secret)',
    { key: 'helios:registryPasswords' });
}

/** Who acts, for the ownership checks: the stack owning the resource (its `owner` input) and the legacy opt-in. */
export function claimantOf(settings: MasterSettings, owner: string | undefined): Claimant {
  return { owner, adoptLegacy: settings.adoptLegacy === true };
}

/**
 * A client of the master, made per call (nothing of it is ever captured when Pulumi serializes the
 * provider; the connections are core's, shared by the calls). What it creates is owned by `owner`, the
 * stack's `pulumi:<project>/<stack>`; plain `pulumi` for a resource whose state predates that.
 */
export async function masterClient(settings: MasterSettings, owner: string | undefined, options: { timeoutMs?: number } = {}) {
  const core = await loadCore();
  // Several masters of one cluster, separated by commas: a call moves on from one that cannot be
  // reached, a read (waiting for RUNNING) also from one cut off; a write cut off is reported, not sent twice.
  const masters = core.masterList([settings.master || process.env.HELIOS_MASTER || DEFAULT_MASTER], 'helios:master (or HELIOS_MASTER)');
  if (masters.length === 0) throw new core.HeliosError('INVALID_ARGUMENT', 'helios:master (or HELIOS_MASTER) names no master, e.g. http://127.0.0.1:5801');
  return core.createClient({
    timeoutMs: options.timeoutMs,
    baseUrl: masters[0],
    masters,
    token: settings.token || process.env.HELIOS_TOKEN || undefined,
    owner: owner ?? LEGACY_OWNER,
    tls: tlsOptions(core, settings.tls ?? {}),
    masterHint: 'the stack config helios:master or HELIOS_MASTER',
    caHint: 'the stack config helios:ca (or HELIOS_CA)',
    certHint: 'the stack config helios:cert and helios:key (or HELIOS_CERT, HELIOS_KEY)',
  });
}

export type MasterClient = Awaited<ReturnType<typeof masterClient>>;

/** True for the errors that mean "that thing is not on the master" (refresh reads it as gone). */
export function isNotFound(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'JOB_NOT_FOUND' || code === 'JOB_NOT_DEPLOYED' || code === 'HOST_NOT_FOUND' || code === 'NOT_FOUND' || code === 'REGISTRY_ACCOUNT_NOT_FOUND' || code === 'DEPLOYMENT_GROUP_NOT_FOUND';
}
