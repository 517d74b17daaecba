import { existsSync, readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { HeliosError } from '../../core/index.js';

/**
 * The dashboard's files, as `npm run build` leaves them in dist/ui/: these, and the chunks esbuild
 * split off (`chunk-HASH.js`: the terminal, loaded when one is opened); nothing else there is served.
 */
const ASSETS: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
  'xterm.css': 'text/css; charset=utf-8',
};
const CHUNK = /^chunk-[A-Z0-9]+\.js$/;
const assetType = (name: string): string | undefined => ASSETS[name] ?? (CHUNK.test(name) ? ASSETS['app.js'] : undefined);

/**
 * The page may load only its own files and talk only to this master: no CDN, no other origin, no
 * inline script, not framed by another site.
 */
const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; "
  + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * dist/ui/ beside the running master: dist/master/routes/ui.js finds ../../ui/; run from source
 * (tsx, the tests), master/routes/ui.ts finds the build in ../../dist/ui/.
 */
function assetsDir(): URL {
  const beside = new URL('../../ui/', import.meta.url);
  return existsSync(new URL('app.js', beside)) ? beside : new URL('../../dist/ui/', import.meta.url);
}

/**
 * `GET /ui/` and its files: the dashboard (ui/), public like the API's public routes (the files hold
 * no data; every call the page makes carries its token and is authorised as any other). `GET /`
 * sends a browser (Accept: text/html) there; any other client gets the 404 it always got.
 */
export function uiRoutes(app: FastifyInstance): void {
  const dir = assetsDir();
  const cache = new Map<string, Buffer>();
  const read = (name: string): Buffer | undefined => {
    let body = cache.get(name);
    if (body === undefined && existsSync(new URL(name, dir))) cache.set(name, (body = readFileSync(new URL(name, dir))));
    return body;
  };
  const serve = (name: string, reply: FastifyReply) => {
    const type = assetType(name);
    const body = type === undefined ? undefined : read(name);
    if (type === undefined || body === undefined) {
      throw new HeliosError('NOT_FOUND', type === undefined ? `no such file of the dashboard: ${name}`
        : CHUNK.test(name) ? `no such file of the dashboard: ${name} (the page is of an older build: reload it)`
          : `the dashboard is not built (no ${name} in ${dir.pathname}): run npm run build`);
    }
    return reply.type(type).header('Content-Security-Policy', CONTENT_SECURITY_POLICY).header('X-Content-Type-Options', 'nosniff')
      .header('Cache-Control', 'no-cache').send(body);
  };
  app.get('/ui/', async (_request, reply) => serve('index.html', reply));
  app.get<{ Params: { '*': string } }>('/ui/*', async (request, reply) => serve(request.params['*'], reply));
  app.get('/', async (request, reply) => {
    if ((request.headers.accept ?? '').includes('text/html')) return reply.redirect('/ui/', 302);
    throw new HeliosError('NOT_FOUND', 'nothing here: the API is under /jobs, /hosts, …; the dashboard at /ui/');
  });
}
