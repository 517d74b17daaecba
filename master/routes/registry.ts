import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { RegistryAccountName, RegistryLoginSchema, type RegistryAccount, type RegistryLogin } from '../../core/index.js';
import type { MasterContext } from '../context.js';
import { actorOf } from '../context.js';
import { accountView, loginAccount, logoutAccount } from '../actions/registryAccounts.js';

const AccountParams = Type.Object({ name: RegistryAccountName });
const RefParams = Type.Object({ ref: Type.String({ minLength: 1, maxLength: 255 }) });

/**
 * The master's registry accounts, for admins (master/auth/access.ts): `GET /registry/accounts`
 * lists them without secrets, `PUT /registry/accounts/:name` logs one in (or rotates its secret),
 * `DELETE /registry/accounts/:ref` removes one by name, or a registry host's only one.
 */
export function registryRoutes(app: FastifyInstance, ctx: MasterContext): void {
  app.get('/registry/accounts', async (): Promise<RegistryAccount[]> => (await ctx.store.registryAccounts.list()).map(accountView));

  app.put<{ Params: Static<typeof AccountParams>; Body: RegistryLogin }>('/registry/accounts/:name',
    { schema: { params: AccountParams, body: RegistryLoginSchema } },
    async (request): Promise<RegistryAccount> => loginAccount(ctx.store, ctx.secrets, actorOf(ctx, request), request.params.name, request.body));

  app.delete<{ Params: Static<typeof RefParams> }>('/registry/accounts/:ref', { schema: { params: RefParams } },
    async (request): Promise<{ status: 'OK'; removed: RegistryAccount }> =>
      ({ status: 'OK', removed: await logoutAccount(ctx.store, actorOf(ctx, request), request.params.ref) }));
}
