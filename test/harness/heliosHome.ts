/**
 * A HOME of the test's own for the CLI, removed after the test: empty, or holding Helios'
 * ~/.helios/config (`config` as JSON, or a string written as it is).
 * @example helios(null, ['jobs'], { env: { HOME: heliosHome(t, { domains: ['a.test'] }) } })
 */
import type { ExecutionContext } from 'ava';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function heliosHome(t: ExecutionContext, config?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'helios-home-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  if (config !== undefined) {
    mkdirSync(join(dir, '.helios'));
    writeFileSync(join(dir, '.helios', 'config'), typeof config === 'string' ? config : JSON.stringify(config));
  }
  return dir;
}
