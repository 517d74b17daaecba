/** Job references as the CLI takes them: a full id, `name`, `name:version` or `name:version:hashprefix`. */
import { HeliosError } from '../errors/HeliosError.js';
import { parseJobId } from './jobId.js';

const SHOWN_MATCHES = 10;

/**
 * The one job id `ref` points to. An exact full id wins; otherwise `name` matches every version of
 * that name, `name:version` that version, and `name:version:prefix` hashes starting with the prefix.
 * Throws UNKNOWN_JOB when nothing matches and AMBIGUOUS_JOB_REFERENCE (with `data.matches`) when
 * several do.
 * @example resolveJobRef('web:1', ['web:1:2a89…', 'web:2:3f5c…']) // → 'web:1:2a89…'
 */
export function resolveJobRef(ref: string, ids: Iterable<string>): string {
  const all = [...ids];
  if (all.includes(ref)) return ref;
  const matches = all.filter(matcherFor(ref)).sort();
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) throw new HeliosError('UNKNOWN_JOB', `Unknown job: ${ref}`, { ref });
  const shown = matches.slice(0, SHOWN_MATCHES).join(', ');
  const more = matches.length > SHOWN_MATCHES ? ` and ${matches.length - SHOWN_MATCHES} more` : '';
  throw new HeliosError('AMBIGUOUS_JOB_REFERENCE', `Ambiguous job reference: ${ref} matches ${shown}${more}`, { ref, matches });
}

function matcherFor(ref: string): (id: string) => boolean {
  const parts = ref.split(':');
  if (ref === '' || parts.length > 3 || parts.some((part) => part === '')) return () => false;
  const [name, version, hashPrefix] = parts;
  return (id) => {
    const job = parseJobId(id);
    if (!job || job.name !== name) return false;
    if (version !== undefined && job.version !== version) return false;
    return hashPrefix === undefined || (job.hash ?? '').startsWith(hashPrefix);
  };
}
