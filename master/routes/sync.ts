import type { FastifyInstance } from 'fastify';
import type { MasterContext } from '../context.js';

/** GitOps sync sources (filled in below). */
export function syncRoutes(_app: FastifyInstance, _ctx: MasterContext): void {
}
