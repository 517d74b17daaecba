/**
 * Where a sync source reads from, as text: the repository shown without credentials and compared by
 * what names it rather than how it was spelled, and the folder of job files in one spelling.
 */

/** The URL without `user:password@` (a git token must never be stored or logged); other text as is. */
export function stripCredentials(repo: string): string {
  if (!isUrl(repo)) return repo;
  try {
    const url = new URL(repo);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return repo;
  }
}

/**
 * What two spellings of one repository have in common: for a URL, the host (any case, default port
 * dropped, http and https alike) and the path without trailing slashes or `.git`, credentials, query
 * and fragment ignored; for a local path, the path without trailing slashes or a final `/.git` (a
 * working copy and its git dir). Paths keep their case: servers and file systems may tell them apart.
 * @example
 *   repoKey('https://token@GitHub.com/team/apps.git/') === repoKey('http://github.com/team/apps')   // true
 */
export function repoKey(repo: string): string {
  if (isUrl(repo)) {
    try {
      const url = new URL(repo);
      const scheme = url.protocol === 'https:' ? 'http:' : url.protocol;
      return `${scheme}//${url.host}${trimRepoPath(url.pathname).replace(/\.git$/i, '')}`;
    } catch {
      // Not a URL after all: compared as a path.
    }
  }
  return trimRepoPath(repo).replace(/[/\\]\.git$/i, '') || '/';
}

const isUrl = (repo: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(repo);
const trimRepoPath = (path: string) => path.replace(/[/\\]+$/, '');

/** `./jobs/` → `jobs`; `.` and `/` → `''` (the root). */
export function normalizeSourcePath(path: string): string {
  return path.split('/').filter((s) => s !== '' && s !== '.').join('/');
}
