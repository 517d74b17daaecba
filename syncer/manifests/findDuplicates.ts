import type { FileError } from '../../core/index.js';
import type { ParsedJob } from './parseJobFile.js';

/**
 * One file per job name (as the master rules): a version change in a file replaces the old version,
 * which only works when no other file claims the name. Every file after the first (in path order)
 * gets an error at its `name` line naming the first; those files are left out of the desired set.
 */
export function findDuplicates(jobs: Iterable<ParsedJob>): { errors: FileError[]; files: Set<string> } {
  const first = new Map<string, ParsedJob>();
  const errors: FileError[] = [];
  const files = new Set<string>();
  for (const job of [...jobs].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))) {
    const name = String(job.spec.name);
    const seen = first.get(name);
    if (!seen) {
      first.set(name, job);
      continue;
    }
    files.add(job.file);
    errors.push({ file: job.file, line: job.lines.name, message: `job name ${name} is also used by ${seen.file}; one file per job name` });
  }
  return { errors, files };
}
