/**
 * helios/zx's types, as a TypeScript user gets them from the package (dist/cli/zx/*.d.ts through
 * package.json "exports"): tsc compiles test/zx/sample.ts, a script using every part of the API with
 * zx's globals, and test/zx/mistakes.ts, whose every misuse must be refused (an unused
 * @ts-expect-error fails the compile).
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureCliBuilt, ROOT } from './cliHarness.js';

async function tsc(file: string): Promise<{ code: number; output: string }> {
  await ensureCliBuilt();
  // node_modules/.cache does not exist yet in a fresh clone.
  await mkdir(join(ROOT, 'node_modules/.cache'), { recursive: true });
  const dir = await mkdtemp(join(ROOT, 'node_modules/.cache/helios-zx-types-'));
  try {
    const config = join(dir, 'tsconfig.json');
    await writeFile(config, JSON.stringify({ extends: join(ROOT, 'tsconfig.json'), compilerOptions: { noEmit: true, incremental: false }, include: [], files: [join(ROOT, file)] }));
    const run = await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', config], { cwd: ROOT }).then(
      ({ stdout }) => ({ code: 0, output: stdout }),
      (err: { code: number; stdout: string }) => ({ code: err.code, output: err.stdout }));
    return run;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a TypeScript deploy script using the whole helios/zx API with zx globals compiles', async (t) => {
  const { code, output } = await tsc('test/zx/sample.ts');
  t.is(code, 0, output);
});

test('the types refuse a misspelled state, a wrong option, an unknown error code and a bad spec', async (t) => {
  const { code, output } = await tsc('test/zx/mistakes.ts');
  t.is(code, 0, output);
  t.notRegex(output, /Unused '@ts-expect-error' directive/);
});
