import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from './postgres.js';

/** The master's two store engines, for a test that runs on each (`for (const engine of ENGINES) test(...)`). */
export const ENGINES = ['sqlite', 'postgres'] as const;
export type Engine = typeof ENGINES[number];

/**
 * A new, empty master database on `engine` (what --db takes), removed when the test ends: a SQLite
 * file in a temp dir, or a database of its own on the run's PostgreSQL (HELIOS_TEST_PG).
 * @example const master = await startTestMaster({ dbPath: await testDatabase(t, engine) });
 */
export async function testDatabase(t: { teardown(fn: () => void | Promise<void>): void }, engine: Engine): Promise<string> {
  if (engine === 'postgres') return createTestDatabase(t);
  const dir = mkdtempSync(join(tmpdir(), 'helios-db-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'master.db');
}
