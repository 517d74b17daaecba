import type { FileError } from '../../core/index.js';
import type { ParsedJob } from './parseJobFile.js';

/**
 * Two files declaring the same `name:version` would both own one job id: every file after the first
 * (in path order) gets an error at its `name` line naming the first.
 */
export function findDuplicates(jobs: Iterable<ParsedJob>): FileError[] {
  const first = new Map<string, ParsedJob>();
  const errors: FileError[] = [];
  for (const job of [...jobs].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))) {
    const key = `${job.spec.name}:${job.spec.version}`;
    const seen = first.get(key);
    if (!seen) first.set(key, job);
    else errors.push({ file: job.file, line: job.lines.name, message: `duplicate job ${key}: also defined in ${seen.file}` });
  }
  return errors;
}
