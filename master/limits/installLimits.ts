import type { FastifyInstance } from 'fastify';
import type { MasterLimits } from '../options.js';
import { installBlockingSlots } from './blockingSlots.js';
import { installCloseAfterRefusal } from './closeAfterRefusal.js';
import { installConnectionLimits } from './connectionLimits.js';

/** Everything of limits/ but the timeouts, which are options of the server itself (serverTimeouts.ts). */
export function installLimits(app: FastifyInstance, limits: MasterLimits): void {
  installConnectionLimits(app.server, limits, app.log);
  installBlockingSlots(app, limits);
  installCloseAfterRefusal(app);
}
