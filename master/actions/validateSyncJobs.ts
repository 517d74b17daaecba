import { DEPLOYMENT_GROUP_NAME, HeliosError, isHeliosError, MAX_DEPLOY_HOSTS, privilegedFields, rolloutOptionsErrors, type AdmissionPolicy, type FieldError,
  type FileError, type SyncApplyRequest, type SyncJob } from '../../core/index.js';
import type { DesiredJob } from '../plan/syncPlan.js';
import type { BuildCache } from '../plan/buildCache.js';

export interface SyncValidationOptions {
  /** A job whose `expires` is before this is absent from the commit, with a warning. */
  now: number;
  cache: BuildCache;
  /** The policy the request's token is held to; undefined for an admin token. */
  admission?: AdmissionPolicy;
  /**
   * The request's token name. Each token has its own cache of a source: a reference recalls only an
   * entry the same token sent, so no one plants a spec under a digest for another token's syncer (an
   * admin's, free of admission) to apply.
   */
  tokenName: string;
}

const HOST = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;
const GROUP = new RegExp(DEPLOYMENT_GROUP_NAME);

/** What is wrong with an entry's `group` (as the syncer checks `deploy.group`), or undefined. */
function groupError(entry: SyncJob): string | undefined {
  const { group } = entry;
  if (!group) return undefined;
  if (!GROUP.test(group.name)) return `deploy.group: ${JSON.stringify(group.name)} is not a deployment group name`;
  if (entry.hosts.length > 0) return 'deploy: give hosts or group, not both';
  if (group.hostSelectors?.length === 0) return 'deploy.selector: must list at least one host selector';
  const options = rolloutOptionsErrors('deploy.rollout', group.rolloutOptions ?? {});
  return options.length > 0 ? options.map((e) => `${e.path}: ${e.message}`).join('; ') : undefined;
}

/** The line of a field's top-level key in the file (`ports.http.internalPort` → the line of `ports`). */
const lineOf = (lines: Record<string, number> | undefined, path: string) => lines?.[path.split('.')[0] || 'name'];

/**
 * Turns the request's job specs into built jobs, or file errors (line from the failing top-level key).
 * The specs are job files': an unknown field is an error (`comand: unknown field; did you mean
 * command?`), whatever syncer sent it, where the jobs API only warns.
 * Entries sent by reference are recalled from `cache`, and unchanged specs come from it instead of
 * being built again (see plan/buildCache.ts); this loop runs over every file of every commit, so it
 * allocates nothing for a valid, unchanged one. Throws SYNC_ENTRY_UNKNOWN, keeping the cache as it
 * was, when a reference names an entry the cache does not have. With `admission`, a job asking for a
 * privileged field the policy does not allow is a file error (the whole commit is refused); without it
 * (an admin token) every field is admitted.
 * A job whose `expires` has passed is valid but not desired: it is left out (so the plan undeploys
 * and removes it if it was applied) with a warning, and never refuses the commit (an expiry is a
 * deletion that comes with time, not a broken file).
 */
export function validateSyncJobs(source: string, body: SyncApplyRequest, options: SyncValidationOptions):
  { desired: DesiredJob[]; errors: FileError[]; warnings: FileError[] } {
  const errors: FileError[] = [...body.errors];
  const warnings: FileError[] = [];
  const desired: DesiredJob[] = [];
  const byName = new Map<string, string>();
  const pass = options.cache.pass(`${source} ${options.tokenName}`);
  const entries = body.jobs.map((item) => ('spec' in item ? item : pass.recall(item.file, item.digest)));
  const unknown = body.jobs.filter((_, i) => entries[i] === undefined).map((item) => item.file);
  if (unknown.length > 0) {
    throw new HeliosError('SYNC_ENTRY_UNKNOWN', `${unknown.length} entries were sent by reference but the master does not have them (e.g. ${unknown[0]}); send every entry in full`,
      { source, files: unknown.slice(0, 10) });
  }
  const files = new Set<string>();
  for (const entry of entries as SyncJob[]) {
    // One entry per file: the cache and the plan name jobs by their file.
    if (files.has(entry.file)) {
      errors.push({ file: entry.file, message: 'the request has two entries for this file; one entry per file' });
      continue;
    }
    files.add(entry.file);
    try {
      const job = pass.build(entry.file, entry.spec, entry.digest === undefined ? undefined : entry);
      const name = job.id.slice(0, job.id.indexOf(':'));
      const other = byName.get(name);
      if (other !== undefined) {
        errors.push({ file: entry.file, line: lineOf(entry.lines, 'name'), message: `job name ${name} is also used by ${other}; one file per job name` });
        continue;
      }
      byName.set(name, entry.file);
      if (job.expires !== undefined && Date.parse(job.expires) < options.now) {
        warnings.push({ file: entry.file, line: lineOf(entry.lines, 'expires'), message: `expired at ${job.expires}, not deployed` });
        continue; // asks for nothing: neither admission nor hosts matter
      }
      const refused = options.admission ? privilegedFields(job, options.admission) : [];
      if (refused.length > 0) {
        for (const e of refused) errors.push({ file: entry.file, line: lineOf(entry.lines, e.path), message: `${e.path}: ${e.message} (or sync with an admin token)` });
        continue;
      }
      if (entry.hosts.length > MAX_DEPLOY_HOSTS) {
        errors.push({ file: entry.file, line: lineOf(entry.lines, 'deploy'), message: `deploy.hosts: lists ${entry.hosts.length} hosts, at most ${MAX_DEPLOY_HOSTS}` });
        continue;
      }
      if (!entry.hosts.every((h) => HOST.test(h))) {
        const bad = entry.hosts.filter((h) => !HOST.test(h)).map((h) => JSON.stringify(h)).join(', ');
        errors.push({ file: entry.file, line: lineOf(entry.lines, 'deploy'), message: `deploy.hosts: ${bad} is not a host name` });
        continue;
      }
      const badGroup = groupError(entry);
      if (badGroup) {
        errors.push({ file: entry.file, line: lineOf(entry.lines, 'deploy'), message: badGroup });
        continue;
      }
      desired.push({ file: entry.file, job, hosts: entry.hosts, goal: entry.goal, ...(entry.group ? { group: entry.group } : {}), lines: entry.lines });
    } catch (err) {
      if (isHeliosError(err, 'PAYLOAD_TOO_LARGE')) {
        errors.push({ file: entry.file, line: lineOf(entry.lines, ''), message: err.message });
        continue;
      }
      if (!isHeliosError(err, 'INVALID_JOB_DEFINITION')) throw err;
      const fieldErrors = (err.data.errors as FieldError[] | undefined) ?? [{ path: '', message: err.message }];
      for (const e of fieldErrors) errors.push({ file: entry.file, line: lineOf(entry.lines, e.path), message: e.path ? `${e.path}: ${e.message}` : e.message });
    }
  }
  pass.done();
  return { desired, errors, warnings };
}
