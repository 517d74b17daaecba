import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { HeliosError, invalidRequest, SyncApplyRequestSchema, SyncJobSchema, type SyncApplyRequest, type SyncResult } from '../../core/index.js';
import { actorOf, type MasterContext } from '../context.js';
import { applySync } from '../actions/applySync.js';
import { createBuildCache } from '../plan/buildCache.js';

const SourceParams = Type.Object({
  name: Type.String({
    pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$',
    errorMessage: 'a source name is letters, digits, ".", "_" and "-" (at most 100), starting with a letter or digit',
  }),
});

// Job specs are validated one by one (errors go back per file and line), not by the body schema. An
// entry is full or a reference (see SyncJobRefSchema); one object type with the rest optional, not a
// union, so that a wrong field is named ("body.jobs.3.goal: …") and not "Expected union value".
const ApplyEntry = Type.Object({
  ...Type.Partial(Type.Object({ ...SyncJobSchema.properties, spec: Type.Unknown() })).properties,
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
  const cache = createBuildCache();

  app.put<{ Params: Static<typeof SourceParams>; Body: SyncApplyRequest }>('/sync/sources/:name',
    { schema: { params: SourceParams, body: ApplyBody }, bodyLimit: ctx.options.syncBodyLimit }, async (request): Promise<SyncResult> => {
      checkEntryShapes(request.body.jobs);
      const { name } = request.params;
      const actor = actorOf(ctx, request);
      const result = applySync(store, name, request.body, { user: actor.user, master: actor.master },
        { allowedCapabilities: ctx.options.allowedCapabilities, cache });
      request.log.info({ source: name, commit: request.body.commit, state: result.state, actions: result.actions.length, errors: result.errors.length }, 'sync');
      return result;
    });

  app.get('/sync/sources', async () => store.syncSources.list());

  app.get<{ Params: Static<typeof SourceParams> }>('/sync/sources/:name', { schema: { params: SourceParams } }, async (request) => {
    const source = store.syncSources.get(request.params.name);
    if (!source) throw new HeliosError('SOURCE_NOT_FOUND', `sync source ${request.params.name} has not reported`, { source: request.params.name });
    return source;
  });
}
