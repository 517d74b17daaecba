/**
 * The dashboard as the master serves it (a real master on 127.0.0.1, the assets npm run build made):
 * its files with a strict Content-Security-Policy, / redirecting browsers, no token needed for the
 * files while every API call still needs one, and nothing in the built assets that reaches outside.
 */
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import type { TokenEntry } from '../master/auth/tokenFile.js';
import { startTestMaster } from './harness/master.js';

const tokens: TokenEntry[] = [{ token: 'read-token-0123456789', role: 'read', name: 'dashboard' }];
const built = (file: string) => readFileSync(new URL(`../dist/ui/${file}`, import.meta.url), 'utf8');
/** The chunks esbuild split off the app (the terminal's). */
const chunks = () => readdirSync(new URL('../dist/ui/', import.meta.url)).filter((f) => /^chunk-.*\.js$/.test(f));

test('GET /ui/ serves index.html, app.js, its chunks, style.css and xterm.css with a CSP of self only; nothing else of dist/ui', async (t) => {
  const m = await startTestMaster({ tokens });
  t.teardown(m.close);
  const page = await fetch(`${m.url}/ui/`);
  t.is(page.status, 200, 'the files need no token');
  t.regex(page.headers.get('content-type') ?? '', /^text\/html/);
  t.regex(page.headers.get('content-security-policy') ?? '', /default-src 'none'; script-src 'self'.*connect-src 'self'/);
  t.is(page.headers.get('x-content-type-options'), 'nosniff');
  t.is(await page.text(), built('index.html'));
  const script = await fetch(`${m.url}/ui/app.js`);
  t.regex(script.headers.get('content-type') ?? '', /^text\/javascript/);
  t.is(await script.text(), built('app.js'));
  t.regex((await fetch(`${m.url}/ui/style.css`)).headers.get('content-type') ?? '', /^text\/css/);
  t.regex((await fetch(`${m.url}/ui/xterm.css`)).headers.get('content-type') ?? '', /^text\/css/);
  t.true(chunks().length > 0, 'the terminal is split off');
  for (const chunk of chunks()) {
    const answer = await fetch(`${m.url}/ui/${chunk}`);
    t.regex(answer.headers.get('content-type') ?? '', /^text\/javascript/, chunk);
    t.is(await answer.text(), built(chunk));
  }
  for (const path of ['/ui/inputs.json', '/ui/..%2f..%2fpackage.json', '/ui/nope.js', '/ui/chunk-NOPE1234.js']) {
    const refused = await fetch(`${m.url}${path}`);
    t.is(refused.status, 404, path);
    t.like(await refused.json(), { status: 'NOT_FOUND' });
  }
  // The page's data is the API's, and the API still wants the token.
  t.is((await fetch(`${m.url}/whoami`)).status, 401);
  t.is((await fetch(`${m.url}/events`)).status, 401);
});

test('GET / redirects a browser to /ui/; any other client gets a 404 naming where things are', async (t) => {
  const m = await startTestMaster();
  t.teardown(m.close);
  const browser = await fetch(`${m.url}/`, { headers: { accept: 'text/html,application/xhtml+xml' }, redirect: 'manual' });
  t.is(browser.status, 302);
  t.is(browser.headers.get('location'), '/ui/');
  const other = await fetch(`${m.url}/`);
  t.is(other.status, 404);
  t.regex((await other.json() as { message: string }).message, /dashboard at \/ui\//);
});

test('the built assets load nothing from outside: no URL but XML namespace names, no Node module, scripts only from self', (t) => {
  const files = ['index.html', 'app.js', 'style.css', 'xterm.css', ...chunks()].map(built);
  const urls = files.flatMap((text) => text.match(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s"'`)]*/gi) ?? []);
  // Preact names the SVG, MathML and XHTML namespaces: identifiers, never fetched.
  t.deepEqual([...new Set(urls)].filter((url) => !/^http:\/\/www\.w3\.org\/(2000\/svg|1998\/Math\/MathML|1999\/xhtml)$/.test(url)), []);
  for (const script of ['app.js', ...chunks()]) t.notRegex(built(script), /\bfrom\s*["']node:|require\(["']/, script);
  t.regex(files[0], /<script type="module" src="\.\/app\.js"><\/script>/);
  t.notRegex(files[0], /<script>(?!<\/script>)/, 'no inline script (the CSP refuses it)');
});
