import type { FastifyInstance } from 'fastify';

/**
 * A refused request (401, 403, and 503 from a busy sync endpoint) closes its connection: with
 * `Connection: close` node destroys the socket once the answer is flushed, instead of reading (and
 * discarding) the rest of a body the client may send one byte at a time. The refusal comes from an
 * onRequest hook, before the body is parsed; a client that sent its whole body still reads the answer
 * (fetch does, for bodies of many MB).
 */
export function installCloseAfterRefusal(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode === 401 || reply.statusCode === 403 || reply.statusCode === 503) reply.header('Connection', 'close');
    return payload;
  });
}
