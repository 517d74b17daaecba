/**
 * Docker image references: `[registry[:port]/]repo[/more][:tag][@algo:hex]`. The grammar is the
 * reference's (repo parts `[a-z0-9._-]+`, tag `[\w][\w.-]{0,127}`, no scheme); the registry is the
 * first part when it has a `.` or a `:` or is `localhost`, as Docker decides. As in Helios'
 * JobValidator, a registry host may end with `.` (a fully qualified name, `reg.istry.:4711`), unless it
 * is only digits and dots (`1.2.3.4.`), and the repository is at most 255 characters.
 */
import { HeliosError } from '../errors/HeliosError.js';

export interface ImageRef {
  /** `host[:port]`, absent for Docker Hub images written without one. */
  registry?: string;
  /** Path parts joined by `/`, e.g. `library/busybox`, `team/web`. */
  repository: string;
  tag?: string;
  /** `algo:hex`, e.g. `sha256:…`. */
  digest?: string;
}

const REPO_PART = /^[a-z0-9._-]+$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const HOST = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*\.?$/;
const DIGITS_AND_DOTS = /^[0-9.]+$/;
const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const REPOSITORY_MAX = 255;

/**
 * Splits an image reference; throws INVALID_ARGUMENT saying what is wrong.
 * @example parseImageRef('localhost:5000/team/web:1.0') // → { registry: 'localhost:5000', repository: 'team/web', tag: '1.0' }
 */
export function parseImageRef(ref: string): ImageRef {
  const result = splitImageRef(ref);
  if (typeof result === 'string') {
    throw new HeliosError('INVALID_ARGUMENT', `invalid image reference "${ref}": ${result}`, { ref, problem: result });
  }
  return result;
}

/** What is wrong with an image reference, or null when it is valid (used by job validation). */
export function imageRefProblem(ref: string): string | null {
  const result = splitImageRef(ref);
  return typeof result === 'string' ? result : null;
}

/**
 * The fully qualified form, for comparing images: Docker Hub's registry and `library/` made explicit,
 * `:latest` added when there is neither tag nor digest.
 * @example normalizeImage('busybox') // → 'docker.io/library/busybox:latest'
 */
export function normalizeImage(ref: string): string {
  const { registry: given, repository, tag, digest } = parseImageRef(ref);
  const registry = !given || given === 'index.docker.io' || given === 'registry-1.docker.io' ? 'docker.io' : given;
  const repo = registry === 'docker.io' && !repository.includes('/') ? `library/${repository}` : repository;
  const shownTag = tag ?? (digest ? undefined : 'latest');
  return `${registry}/${repo}${shownTag ? `:${shownTag}` : ''}${digest ? `@${digest}` : ''}`;
}

function splitImageRef(ref: string): ImageRef | string {
  if (ref.trim() === '') return 'must not be empty';
  if (ref.includes('://')) return 'must not contain a scheme (://)';
  if (/\s/.test(ref)) return 'must not contain spaces';
  let name = ref;
  let digest: string | undefined;
  const at = name.indexOf('@');
  if (at >= 0) {
    digest = name.slice(at + 1);
    name = name.slice(0, at);
    if (!DIGEST.test(digest)) return `digest "${digest}" must be algorithm:hex, e.g. sha256:<64 hex digits>`;
  }
  let tag: string | undefined;
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
    if (!TAG.test(tag)) return `tag "${tag}" must be 1-128 letters, digits, "_", "." or "-", not starting with "." or "-"`;
  }
  let registry: string | undefined;
  const slash = name.indexOf('/');
  const first = slash >= 0 ? name.slice(0, slash) : '';
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    const problem = registryProblem(first);
    if (problem) return problem;
    registry = first;
    name = name.slice(slash + 1);
  }
  if (name === '') return 'repository must not be empty';
  for (const part of name.split('/')) {
    if (part === '') return 'repository must not have empty parts (//, or a leading or trailing /)';
    if (!REPO_PART.test(part)) return `repository part "${part}" may only contain a-z, 0-9, ".", "_" and "-"`;
  }
  if (name.length > REPOSITORY_MAX) return `repository must be at most ${REPOSITORY_MAX} characters (it has ${name.length})`;
  return { ...(registry && { registry }), repository: name, ...(tag && { tag }), ...(digest && { digest }) };
}

function registryProblem(registry: string): string | null {
  const [host, port, extra] = registry.split(':');
  // A fully qualified name may end with "."; a name of digits and dots must be an IPv4 address.
  const badHost = !HOST.test(host) || (DIGITS_AND_DOTS.test(host) && !IPV4.test(host));
  if (extra !== undefined || badHost) return `registry "${registry}" must be host[:port]`;
  if (port !== undefined && (!/^\d{1,5}$/.test(port) || Number(port) > 65535)) {
    return `registry port "${port}" must be between 0 and 65535`;
  }
  return null;
}
