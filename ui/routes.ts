/** The dashboard's pages, in the URL's hash (`/ui/#/jobs/web:1:…`): the master serves one index.html for them all. */
export type Route =
  | { page: 'hosts' } | { page: 'jobs' } | { page: 'job'; id: string } | { page: 'sync' }
  | { page: 'diff'; from: string; to: string } | { page: 'groups' };

export const jobHref = (id: string) => `#/jobs/${encodeURIComponent(id)}`;
export const diffHref = (from: string, to: string) => `#/diff/${encodeURIComponent(from)}/${encodeURIComponent(to)}`;

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (parts[0] === 'jobs' && parts[1]) return { page: 'job', id: parts[1] };
  if (parts[0] === 'jobs') return { page: 'jobs' };
  if (parts[0] === 'sync') return { page: 'sync' };
  if (parts[0] === 'groups') return { page: 'groups' };
  if (parts[0] === 'diff' && parts[1] && parts[2]) return { page: 'diff', from: parts[1], to: parts[2] };
  return { page: 'hosts' };
}
