import {
  isHeliosError, type FieldError, type FileError, type SyncApplyRequest, type SyncResult,
} from '../../core/index.js';
import type { Store } from '../store/store.js';
import { planSync, type DesiredJob } from '../plan/syncPlan.js';
import { createJob, removeJob } from './jobs.js';
import { deploy, setGoal, undeploy } from './deployments.js';
import type { Actor } from './guards.js';
import { createBuildCache, type BuildCache } from '../plan/buildCache.js';

const HOST = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;

/**
 * Turns the request's job specs into built jobs, or file errors (line from the failing top-level key).
 * Unchanged specs come from `cache` (see plan/buildCache.ts) instead of being built again.
 */
export function validateSyncJobs(source: string, body: SyncApplyRequest, options: { allowedCapabilities: readonly string[]; now: number; cache: BuildCache }):
  { desired: DesiredJob[]; errors: FileError[] } {
  const errors: FileError[] = [...body.errors];
  const desired: DesiredJob[] = [];
  const byName = new Map<string, string>();
  const pass = options.cache.pass(source, options);
  for (const entry of body.jobs) {
    const lineOf = (path: string) => entry.lines?.[path.split('.')[0] || 'name'];
    try {
      const job = pass.build(entry.spec);
      const name = job.id.split(':')[0];
      const other = byName.get(name);
      if (other !== undefined) {
        errors.push({ file: entry.file, line: lineOf('name'), message: `job name ${name} is also used by ${other}; one file per job name` });
        continue;
      }
      byName.set(name, entry.file);
      const bad = entry.hosts.filter((h) => !HOST.test(h));
      if (bad.length > 0) {
        errors.push({ file: entry.file, line: lineOf('deploy'), message: `deploy.hosts: ${bad.map((h) => JSON.stringify(h)).join(', ')} is not a host name` });
        continue;
      }
      desired.push({ file: entry.file, job, hosts: entry.hosts, goal: entry.goal, lines: entry.lines });
    } catch (err) {
      if (!isHeliosError(err, 'INVALID_JOB_DEFINITION')) throw err;
      const fieldErrors = (err.data.errors as FieldError[] | undefined) ?? [{ path: '', message: err.message }];
      for (const e of fieldErrors) errors.push({ file: entry.file, line: lineOf(e.path), message: e.path ? `${e.path}: ${e.message}` : e.message });
    }
  }
  pass.done();
  return { desired, errors };
}

/**
 * Validates, plans and (unless dry run) applies one commit of a source in ONE transaction.
 * A refused commit changes nothing but the source's record (state ERROR, its errors, lastAttemptedCommit).
 */
export function applySync(store: Store, source: string, body: SyncApplyRequest, actor: Omit<Actor, 'owner' | 'system'>,
  options: { allowedCapabilities: readonly string[]; now?: number; cache?: BuildCache }): SyncResult {
  const now = options.now ?? Date.now();
  const owner = `git:${source}`;
  const system: Actor = { ...actor, owner, system: true };
  const { desired, errors } = validateSyncJobs(source, body, { allowedCapabilities: options.allowedCapabilities, now, cache: options.cache ?? createBuildCache() });
  const plan = errors.length > 0 ? { actions: [], errors } : store.read(() =>
    planSync(source, desired, { jobs: store.jobs.list(), deployments: store.deployments.list() }));

  const record = (state: 'OK' | 'ERROR', fileErrors: FileError[]) => {
    const previous = store.syncSources.get(source);
    return {
      name: source, repo: body.repo, branch: body.branch, path: body.path,
      lastAppliedCommit: state === 'OK' ? body.commit : previous?.lastAppliedCommit ?? null,
      lastAttemptedCommit: body.commit,
      state, errors: fileErrors,
      lastSync: state === 'OK' ? now : previous?.lastSync ?? null,
    };
  };
  const refuse = (fileErrors: FileError[]): SyncResult => {
    if (!body.dryRun) store.write((tx) => store.syncSources.put(record('ERROR', fileErrors), tx.index));
    return { state: 'REFUSED', commit: body.commit, actions: [], errors: fileErrors };
  };

  if (plan.errors.length > 0) return refuse(plan.errors);
  if (body.dryRun) return { state: 'PLANNED', commit: body.commit, actions: plan.actions, errors: [] };

  const jobs = new Map(desired.map((d) => [d.job.id, d.job]));
  try {
    // The plan was computed in a read snapshot; this transaction re-checks every rule as it applies.
    store.write((tx) => {
      for (const a of plan.actions) {
        switch (a.action) {
          case 'undeploy': undeploy(store, tx, a.host!, a.jobId, system); break;
          case 'remove': removeJob(store, tx, a.jobId, system); break;
          case 'create': createJob(store, tx, jobs.get(a.jobId)!, system, now); break;
          case 'deploy': deploy(store, tx, { host: a.host!, jobId: a.jobId, goal: a.goal as 'START' | 'STOP' }, system, { requireHost: false }); break;
          case 'set-goal': setGoal(store, tx, { host: a.host!, jobId: a.jobId, goal: a.goal as 'START' | 'STOP' }, system); break;
        }
      }
      store.syncSources.put(record('OK', []), tx.index);
    });
  } catch (err) {
    if (!isHeliosError(err)) throw err;
    return refuse([{ file: plan.actions.find((a) => a.jobId === err.data.jobId)?.file ?? '', message: err.message }]);
  }
  return { state: 'APPLIED', commit: body.commit, actions: plan.actions, errors: [] };
}
