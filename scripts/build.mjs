// `npm run build` (also `npm start`, and `npm ci` through prepare). tsc in build mode compiles only what
// changed since dist/.tsbuildinfo: 0.4 s with nothing changed, where a plain `tsc -p` took 9-11 s on
// every `npm start`. Then the JSON Schema of job files, from the one TypeBox schema, when the build
// changed anything: into dist/ for the package, and into core/schema/job.schema.json, the committed
// copy job files point at (a test fails when that copy is stale).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const at = (path) => new URL(`../${path}`, import.meta.url);
const buildInfo = at('dist/.tsbuildinfo');
const schemaCopies = [at('dist/job.schema.json'), at('core/schema/job.schema.json')];
const mtimeMs = (url) => (existsSync(url) ? statSync(url).mtimeMs : 0);

// tsc -b trusts its build info: an output removed since (part of dist/ deleted) would not come back.
const entryPoints = ['cli/bin', 'master/bin', 'agent/bin', 'syncer/bin', 'core/index', 'provider/index', 'cli/zx/index'];
if (entryPoints.some((name) => !existsSync(at(`dist/${name}.js`)))) rmSync(buildInfo, { force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const { status } = spawnSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { cwd: fileURLToPath(at('')), stdio: 'inherit' });
if (status !== 0) process.exit(status ?? 1);

if (schemaCopies.some((url) => mtimeMs(url) < mtimeMs(buildInfo))) {
  const { jobFileJsonSchema } = await import('../dist/core/schema/jobFileJsonSchema.js');
  const text = jobFileJsonSchema();
  for (const url of schemaCopies) writeFileSync(url, text);
}

// The dashboard (ui/): type checked with its own tsconfig (the DOM, Preact's JSX), bundled by esbuild
// into dist/ui/ with its index.html and style.css, only when one of the bundle's inputs (esbuild's
// metafile, kept beside it) or those two files changed: nothing to do costs a few stat calls.
const uiOut = at('dist/ui/');
const uiInputs = at('dist/ui/inputs.json');
const uiStatic = ['index.html', 'style.css'];
const xtermCss = 'node_modules/@xterm/xterm/css/xterm.css';
const uiSources = () => [...(existsSync(uiInputs) ? JSON.parse(readFileSync(uiInputs, 'utf8')) : []), ...uiStatic.map((f) => `ui/${f}`), xtermCss];
const uiBuilt = mtimeMs(at('dist/ui/app.js'));
if (uiBuilt === 0 || !existsSync(uiInputs) || uiSources().some((path) => mtimeMs(at(path)) === 0 || mtimeMs(at(path)) > uiBuilt)) {
  const check = spawnSync(process.execPath, [tsc, '-p', 'ui/tsconfig.json'], { cwd: fileURLToPath(at('')), stdio: 'inherit' });
  if (check.status !== 0) process.exit(check.status ?? 1);
  const { build, transform } = await import('esbuild');
  for (const old of existsSync(uiOut) ? readdirSync(uiOut).filter((f) => /^chunk-.*\.js$/.test(f)) : []) rmSync(new URL(old, uiOut));
  // The terminal (xterm.js and core's channel, in a chunk of its own: the first screen does not load
  // it) runs core/channel/mux.ts in the browser: Node's EventEmitter comes from its browser port
  // (events), Buffer from buffer's (ui/terminal.ts).
  const result = await build({
    entryPoints: { app: fileURLToPath(at('ui/main.tsx')) }, outdir: fileURLToPath(uiOut), splitting: true, chunkNames: 'chunk-[hash]',
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022', minify: true, legalComments: 'none', metafile: true, logLevel: 'warning',
    jsx: 'automatic', jsxImportSource: 'preact', absWorkingDir: fileURLToPath(at('')),
    alias: { 'node:events': 'events' },
  });
  for (const file of uiStatic) copyFileSync(at(`ui/${file}`), new URL(file, uiOut));
  const { code: css } = await transform(readFileSync(at(xtermCss), 'utf8'), { loader: 'css', minify: true, legalComments: 'none' });
  writeFileSync(new URL('xterm.css', uiOut), css);
  writeFileSync(uiInputs, JSON.stringify(Object.keys(result.metafile.inputs).filter((path) => !path.startsWith('node_modules/'))));
}
