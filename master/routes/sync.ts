import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { HeliosError, invalidRequest, SyncApplyRequestSchema, SyncJobSchema, SyncRegistrationSchema, type SyncApplyRequest, type SyncRegistration, type SyncResult,
  type SyncSource } from '../../core/index.js';
import { actorOf, type MasterContext } from '../context.js';
import type { Queries } from '../store/store.js';
import { applySync } from '../actions/applySync.js';
import { rolloutsOfSources } from '../actions/deploymentGroups.js';
import { audit } from '../actions/guards.js';
import { followed } from '../actions/sourceIdentity.js';
import { describePrincipal } from '../auth/access.js';
import { createBuildCache } from '../plan/buildCache.js';
import { admissionFor } from '../auth/admit.js';
import { createSyncSlots } from '../limits/syncSlots.js';

const SourceParams = Type.Object({
  name: Type.String({
    pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$',
    errorMessage: 'a source name is letters, digits, ".", "_" and "-" (at most 100), starting with a letter or digit',
  }),
});

// Job specs are validated one by one (errors go back per file and line), not by the body schema. An
// entry is full or a reference (see SyncJobRefSchema); one object type with the rest optional, not a
// union, so that a wrong field is named ("body.jobs.3.goal: …") and not "Expected union value".
// The number of hosts is checked per file too (validateSyncJobs: a file error, the commit refused and
// recorded), not here, where it would refuse the request with nothing recorded.
const ApplyEntry = Type.Object({
  ...Type.Partial(Type.Object({ ...SyncJobSchema.properties, spec: Type.Unknown(), hosts: Type.Array(Type.String()) })).properties,
  file: Type.String(),
});
const ApplyBody = Type.Object({
  ...SyncApplyRequestSchema.properties,
  jobs: Type.Array(ApplyEntry, { maxItems: 100_000 }),
});

/** A full entry has spec, hosts and goal; a reference has a digest and nothing but the file besides. */
function checkEntryShapes(jobs: Array<Static<typeof ApplyEntry>>): void {
  jobs.forEach((entry, i) => {
    if ('spec' in entry) {
      const missing = (['hosts', 'goal'] as const).find((key) => entry[key] === undefined);
      if (missing) throw invalidRequest(`body.jobs.${i}.${missing}: is required`, { field: `jobs.${i}.${missing}` });
    } else if (entry.digest === undefined || Object.keys(entry).length !== 2) {
      throw invalidRequest(`body.jobs.${i}: an entry has spec, hosts and goal, or is sent by reference with only file and digest`, { field: `jobs.${i}` });
    }
  });
}

/** GitOps sources: apply one commit of a source's desired set (or dry-run it), and read their state. */
export function syncRoutes(app: FastifyInstance, ctx: MasterContext): void {
  const { store } = ctx;
  // Built jobs and entries of the sources' last requests: an unchanged file is not validated and hashed
  // again, and may be sent by reference.
  const { limits } = ctx.options;
  const cache = createBuildCache({ maxBytes: limits.maxSyncCacheBytes, maxJobBytes: limits.maxJobBytes });
  const slots = createSyncSlots(limits.maxConcurrentSyncs);

  app.put<{ Params: Static<typeof SourceParams>; Body: SyncApplyRequest }>('/sync/sources/:name', {
    schema: { params: SourceParams, body: ApplyBody },
    // After authentication (the app's hook), before the body is read.
    onRequest: slots.onRequest,
    bodyLimit: limits.maxSyncBytes,
    config: { bodyLimitFlag: '--max-sync-bytes' },
  }, async (request): Promise<SyncResult> => {
    checkEntryShapes(request.body.jobs);
    const { name } = request.params;
    // authorization: admin. Adopting re-points a source at another repository, which then prunes
    // what the old one applied: an admin's decision, not a sync token's.
    if (request.body.adopt && request.principal.role !== 'admin') {
      throw new HeliosError('FORBIDDEN', `${describePrincipal(request.principal)} may not adopt (re-point sync source ${name} at another repository): it needs role admin`,
        { role: request.principal.role, needs: 'role admin' });
    }
    const actor = actorOf(ctx, request);
    const started = performance.now();
    const result = await applySync(store, name, request.body, { user: actor.user, tokenName: actor.tokenName, master: actor.master },
      { admission: admissionFor(request, ctx.options.admission), cache, rollouts: { downAfterMs: ctx.options.downAfterMs, master: ctx.options.name, observer: ctx.metrics } })
      .catch((err: unknown) => { ctx.metrics.syncPass(name, undefined, (performance.now() - started) / 1000); throw err; });
    ctx.metrics.syncPass(name, result, (performance.now() - started) / 1000);
    request.log.info({ source: name, commit: request.body.commit, state: result.state, actions: result.actions.length, errors: result.errors.length,
      warnings: result.warnings?.length ?? 0 }, 'sync');
    return result;
  });

  app.get('/sync/sources', async () => store.read(async (q) => withRollouts(q, await q.syncSources.list())));

  app.get<{ Params: Static<typeof SourceParams> }>('/sync/sources/:name', { schema: { params: SourceParams } }, async (request) =>
    store.read(async (q) => (await withRollouts(q, [await sourceOrThrow(q, request.params.name)]))[0]));

  // An admin says what a source follows before its first sync (so a syncer of another repository is
  // refused from the start), or re-points one that moved; what it applied stays.
  app.put<{ Params: Static<typeof SourceParams>; Body: SyncRegistration }>('/sync/sources/:name/registration',
    { schema: { params: SourceParams, body: SyncRegistrationSchema } }, async (request): Promise<SyncSource> => {
      const { name } = request.params;
      const actor = actorOf(ctx, request);
      const follows = followed(request.body);
      await store.write(async (tx) => {
        await tx.syncSources.register(name, follows, tx.index);
        await audit(tx, actor, { action: 'register', source: name, detail: follows });
      });
      request.log.info({ source: name, ...follows }, 'sync source registered');
      return sourceOrThrow(store, name);
    });

  // Only a source that owns nothing: its jobs would otherwise be left with an owner no syncer is.
  app.delete<{ Params: Static<typeof SourceParams> }>('/sync/sources/:name', { schema: { params: SourceParams } }, async (request) => {
    const { name } = request.params;
    const actor = actorOf(ctx, request);
    await store.write(async (tx) => {
      await sourceOrThrow(tx, name);
      const owner = `git:${name}`;
      const jobs = (await tx.jobs.idsOwnedBy(owner)).length;
      const deployments = (await tx.deployments.refsOwnedBy(owner)).length;
      if (jobs + deployments > 0) {
        throw new HeliosError('STILL_IN_USE', `sync source ${name} still owns ${jobs} job(s) and ${deployments} deployment(s) (owner ${owner}): `
          + 'commit an empty folder and let it sync, or remove them with --force, then delete the source', { source: name, jobs, deployments });
      }
      await tx.syncSources.remove(name);
      await audit(tx, actor, { action: 'deregister', source: name });
    });
    request.log.info({ source: name }, 'sync source deleted');
    return { status: 'OK' as const };
  });

  /** Each source with the rollouts of the groups its jobs go to (none: the key is left out). */
  async function withRollouts(q: Queries, sources: SyncSource[]): Promise<SyncSource[]> {
    const rollouts = await rolloutsOfSources(q, sources.map((s) => s.name));
    return sources.map((s) => (rollouts.get(s.name)?.length ? { ...s, rollouts: rollouts.get(s.name) } : s));
  }

  async function sourceOrThrow(q: Queries, name: string): Promise<SyncSource> {
    const source = await q.syncSources.get(name);
    if (!source) throw new HeliosError('SOURCE_NOT_FOUND', `sync source ${name} has neither synced nor been registered`, { source: name });
    return source;
  }
}
