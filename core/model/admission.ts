/**
 * Admission of privileged job fields: what a job may ask of the host beyond an ordinary container.
 * One pure function, called by the master for every way a job comes in (the API, a git commit, the
 * Pulumi provider) and by clients that want to say so before they send (the provider's `check`).
 * Like Kubernetes' Pod Security "baseline": host paths, the host network, added capabilities and
 * unconfined security profiles are refused unless the master's policy allows them; an admin token may
 * create such a job anyway (the caller decides that, this only lists what needs it).
 */
import { posix } from 'node:path';
import type { FieldError } from '../errors/HeliosError.js';
import { entriesOf, isString, joinPath, listOf } from './rules/ruleKit.js';

export interface AdmissionPolicy {
  /** Host path prefixes bind mounts may use (`--allow-host-path`); a prefix allows what is under it. */
  hostPaths: readonly string[];
  /** Network modes beyond bridge and none (`--allow-network-mode`): `host`, `container`. */
  networkModes: readonly string[];
  /** Capabilities `addCapabilities` may name (`--allow-capability`); none by default, as in Helios. */
  capabilities: readonly string[];
  /** `securityOpt` values that disable confinement and are allowed anyway (`--allow-security-opt`). */
  securityOpts: readonly string[];
}

export const emptyPolicy: AdmissionPolicy = { hostPaths: [], networkModes: [], capabilities: [], securityOpts: [] };

/** Paths where a Docker engine's socket lives: a mount of one, or of a folder holding one, is root on the host. */
const DOCKER_SOCKETS = ['/var/run/docker.sock', '/run/docker.sock'];

/**
 * Why a `securityOpt` lifts a confinement, or null. Docker splits it at the first `=`, or at the first
 * `:` when there is none, and matches the key case-sensitively (it refuses `SECCOMP=…` itself). Any
 * seccomp value is the job's own profile (`unconfined`, or a JSON profile that may allow every
 * syscall); an SELinux `disable`, type, user or role (`type:spc_t` runs unconfined); AppArmor or system
 * paths `unconfined`. An SELinux level and a named AppArmor profile (which the host's admin loaded) are not.
 */
function securityOptProblem(opt: string): string | null {
  const at = opt.includes('=') ? opt.indexOf('=') : opt.indexOf(':');
  const [key, value] = at < 0 ? [opt, ''] : [opt.slice(0, at), opt.slice(at + 1)];
  const unconfined = `${opt} turns a confinement off: allowed only with --allow-security-opt ${opt}`;
  switch (key) {
    case 'seccomp': return value === 'unconfined' ? unconfined
      : `${opt} replaces the engine's seccomp profile with the job's own, which may allow every syscall: allowed only with --allow-security-opt and this exact value`;
    case 'label': return value === 'disable' ? unconfined : value.startsWith('level:') ? null
      : `${opt} sets the container's SELinux type, user or role (type:spc_t runs it unconfined): allowed only with --allow-security-opt ${opt}`;
    case 'apparmor': case 'systempaths': return value === 'unconfined' ? unconfined : null;
    default: return null;
  }
}

const normal = (path: string) => posix.normalize(path).replace(/(.)\/+$/, '$1');

const isUnder = (path: string, prefix: string) => prefix === '/' || path === prefix || path.startsWith(`${prefix}/`);

/**
 * Why a host path may not be mounted, or null. `/` and the Docker socket (or a folder that holds it)
 * are allowed only when listed exactly, whatever prefix covers them.
 */
function hostPathProblem(source: string, allowed: readonly string[]): string | null {
  const path = normal(source);
  const exact = allowed.some((p) => normal(p) === path);
  if (exact) return null;
  if (path === '/') return 'mounts the host\'s root: allowed only when the master lists "/" exactly (--allow-host-path /)';
  const socket = DOCKER_SOCKETS.find((s) => isUnder(s, path));
  if (socket) return `gives the container the Docker socket (${socket}), root on the host: allowed only when the master lists ${path} exactly (--allow-host-path ${path})`;
  if (allowed.some((p) => isUnder(path, normal(p)))) return null;
  return `host path ${path} is not under a path this master allows (allowed: ${listOf(allowed)}; --allow-host-path)`;
}

/**
 * Every privileged field of a job the policy does not allow, each with its field path and what would
 * allow it. An empty list means anyone who may create jobs may create this one.
 * @example
 *   privilegedFields({ volumes: { '/host': '/' } }, emptyPolicy)
 *   // → [{ path: 'volumes./host', message: 'mounts the host\'s root: …' }]
 */
export function privilegedFields(spec: unknown, policy: AdmissionPolicy): FieldError[] {
  if (typeof spec !== 'object' || spec === null) return [];
  const job = spec as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const [key, source] of entriesOf(job.volumes)) {
    if (!isString(source) || !source.startsWith('/')) continue; // a named or anonymous volume
    const problem = hostPathProblem(source, policy.hostPaths);
    if (problem) errors.push({ path: joinPath('volumes', key), message: problem });
  }
  if (isString(job.networkMode)) {
    const mode = job.networkMode.startsWith('container:') ? 'container' : job.networkMode;
    if ((mode === 'host' || mode === 'container') && !policy.networkModes.includes(mode)) {
      const what = mode === 'host' ? 'the host\'s network' : 'another container\'s network';
      errors.push({ path: 'networkMode', message: `${job.networkMode} shares ${what}: allowed only with --allow-network-mode ${mode}` });
    }
  }
  if (Array.isArray(job.addCapabilities)) {
    job.addCapabilities.forEach((cap, i) => {
      if (isString(cap) && !policy.capabilities.includes(cap)) {
        errors.push({ path: `addCapabilities.${i}`, message: `${cap} is not allowed by this master (allowed: ${listOf(policy.capabilities)}; --allow-capability)` });
      }
    });
  }
  if (Array.isArray(job.securityOpt)) {
    job.securityOpt.forEach((opt, i) => {
      const problem = isString(opt) && !policy.securityOpts.includes(opt) ? securityOptProblem(opt) : null;
      if (problem) errors.push({ path: `securityOpt.${i}`, message: problem });
    });
  }
  return errors;
}
