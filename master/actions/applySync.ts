import { isHeliosError, SYNC_PLAN_KEPT, type FileError, type SyncApplyRequest, type SyncPlan, type SyncRegistration, type SyncResult, type SyncSource } from '../../core/index.js';
import type { Queries, Store } from '../store/store.js';
import { createJob, removeJob } from './jobs.js';
import { deploy, setGoal, undeploy } from './deployments.js';
import { audit, type Actor } from './guards.js';
import { createBuildCache } from '../plan/buildCache.js';
import { validateSyncJobs, type SyncValidationOptions } from './validateSyncJobs.js';
import { planOverStore } from './sourceView.js';
import { followed, sameFollowed, sourceMismatch } from './sourceIdentity.js';
import { defaults } from '../options.js';
import { writeObserved, type RolloutObserver } from '../rollouts/rolloutEvents.js';
import { putNewGroup, removeGroupIn, reselectGroup, startGroupRollout } from './deploymentGroups.js';

/** What a commit's rolling updates need of the master: when a host is DOWN, its name for the deployments, and the metrics. */
export interface RolloutEnvOptions {
  downAfterMs: number;
  master: string;
  observer?: RolloutObserver;
}

/**
 * Validates, plans and (unless dry run) applies one commit of a source in ONE transaction.
 * A refused commit changes nothing but the source's record (state ERROR, its errors, lastAttemptedCommit
 * and lastAttempt; lastSync stays the time of the last commit applied). Warnings (a job whose `expires`
 * has passed, left out) go with the result and the record, applied or refused.
 * A request from another repository, branch or path than the source follows is refused with
 * SOURCE_MISMATCH and changes nothing at all, unless it adopts (see sourceIdentity.ts).
 */
export async function applySync(store: Store, source: string, body: SyncApplyRequest, actor: Omit<Actor, 'owner' | 'system'>,
  options: Partial<Omit<SyncValidationOptions, 'tokenName'>> & { rollouts?: RolloutEnvOptions } = {}): Promise<SyncResult> {
  const now = options.now ?? Date.now();
  const owner = `git:${source}`;
  const system: Actor = { ...actor, owner, system: true };
  // Before anything reads the request's entries: a request of another repository changes nothing.
  const follows = await checkFollowed(store, source, body);
  const { desired, errors, warnings } = validateSyncJobs(source, body, { ...options, now, cache: options.cache ?? createBuildCache(), tokenName: actor.tokenName });

  const record = async (q: Queries, state: 'OK' | 'ERROR', fileErrors: FileError[]): Promise<SyncSource> => {
    const previous = await q.syncSources.get(source);
    return {
      name: source, ...follows,
      lastAppliedCommit: state === 'OK' ? body.commit : previous?.lastAppliedCommit ?? null,
      lastAttemptedCommit: body.commit,
      state, errors: fileErrors, warnings,
      lastSync: state === 'OK' ? now : previous?.lastSync ?? null,
      lastAttempt: now,
    };
  };
  // A dry run of what the source follows is kept on it for the dashboard; one that adopts is of another repository.
  const keepPlan = async (result: SyncResult & { state: 'PLANNED' | 'REFUSED' }): Promise<SyncResult> => {
    if (!body.adopt && await store.syncSources.get(source)) {
      const kept: SyncPlan = { commit: body.commit, at: now, state: result.state, actions: result.actions.slice(0, SYNC_PLAN_KEPT),
        actionCount: result.actions.length, errors: result.errors.slice(0, SYNC_PLAN_KEPT) };
      await store.write((tx) => tx.syncSources.putPlan(source, kept, tx.index));
    }
    return result;
  };
  const refuse = async (fileErrors: FileError[]): Promise<SyncResult> => {
    const result = { state: 'REFUSED' as const, commit: body.commit, actions: [], errors: fileErrors, warnings };
    if (body.dryRun) return keepPlan(result);
    await store.write(async (tx) => tx.syncSources.put(await record(tx, 'ERROR', fileErrors), tx.index));
    return result;
  };

  if (errors.length > 0) return refuse(errors);
  const plan = await store.read((q) => planOverStore(q, source, desired));
  if (plan.errors.length > 0) return refuse(plan.errors);
  if (body.dryRun) return keepPlan({ state: 'PLANNED', commit: body.commit, actions: plan.actions, errors: [], warnings });

  // Only the created jobs are needed by id (one file changed: one entry, not the whole commit).
  const creates = new Set(plan.actions.filter((a) => a.action === 'create').map((a) => a.jobId));
  const jobs = new Map(desired.filter((d) => creates.has(d.job.id)).map((d) => [d.job.id, d.job]));
  const groups = new Map(desired.flatMap((d) => (d.group ? [[d.group.name, d] as const] : [])));
  const env = options.rollouts ?? { downAfterMs: defaults.downAfterMs, master: actor.master };
  try {
    // The plan was computed in a read snapshot; this transaction re-checks every rule as it applies.
    await writeObserved(store, env.observer, async (tx, events) => {
      for (const a of plan.actions) {
        switch (a.action) {
          case 'undeploy': await undeploy(tx, a.host!, a.jobId, system); break;
          case 'remove': await removeJob(tx, a.jobId, system); break;
          case 'create': await createJob(tx, jobs.get(a.jobId)!, system, now); break;
          case 'deploy': await deploy(tx, { host: a.host!, jobId: a.jobId, goal: a.goal as 'START' | 'STOP' }, system, { requireHost: false }); break;
          case 'set-goal': await setGoal(tx, { host: a.host!, jobId: a.jobId, goal: a.goal as 'START' | 'STOP' }, system); break;
          case 'create-group': await putNewGroup(tx, { name: a.group!, hostSelectors: groups.get(a.group!)!.group!.hostSelectors!, owner }, system); break;
          case 'update-group': await reselectGroup(tx, a.group!, groups.get(a.group!)!.group!.hostSelectors!, system); break;
          case 'remove-group': await removeGroupIn(tx, a.group!, system); break;
          case 'rolling-update': await startGroupRollout(tx, a.group!, groups.get(a.group!)!.job, groups.get(a.group!)!.group!.rolloutOptions, system,
            { downAfterMs: env.downAfterMs, master: env.master, events }, owner); break;
        }
      }
      await tx.syncSources.put(await record(tx, 'OK', []), tx.index);
      // One audit event for the whole commit, in its transaction (its actions run as the system's).
      await audit(tx, { ...actor, owner }, { action: 'sync', source, detail: { commit: body.commit, actions: plan.actions.length } });
    });
  } catch (err) {
    if (!isHeliosError(err)) throw err;
    return refuse([{ file: plan.actions.find((a) => a.jobId === err.data.jobId)?.file ?? '', message: err.message }]);
  }
  return { state: 'APPLIED', commit: body.commit, actions: plan.actions, errors: [], warnings };
}

/** What the source follows after this request: the recorded triple, or the request's on a first sync or an adopt. */
async function checkFollowed(store: Store, source: string, body: SyncApplyRequest): Promise<SyncRegistration> {
  const requested = followed(body);
  const previous = await store.syncSources.get(source);
  if (!previous || body.adopt) return requested;
  const recorded = { repo: previous.repo, branch: previous.branch, path: previous.path };
  if (!sameFollowed(recorded, requested)) throw sourceMismatch(source, recorded, requested);
  return recorded;
}
