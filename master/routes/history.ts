import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { jobNotFound } from '../../core/index.js';
import type { MasterContext } from '../context.js';
import { findJob } from '../actions/jobs.js';
import { JobParams } from './schemas.js';

/** Task history of a job on every host, oldest first (kept after the job is removed). */
export function historyRoutes(app: FastifyInstance, ctx: MasterContext): void {
  const { store } = ctx;
  app.get<{ Params: Static<typeof JobParams> }>('/history/jobs/:id', { schema: { params: JobParams } }, async (request) =>
    store.read(() => {
      const id = findJob(store, request.params.id)?.id ?? request.params.id;
      const events = store.statuses.history(id);
      if (events.length === 0 && !store.jobs.get(id)) throw jobNotFound(request.params.id);
      return { events };
    }));
}
