import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { DesiredTask } from '../../core/index.js';

/** What the agent keeps on disk: enough to run its tasks with the master away, and to survive kill -9. */
export interface AgentState {
  /** This agent's registration id (stable across restarts, so the master knows it is the same agent). */
  agentId: string;
  /** The master's index of `tasks`; the long-poll resumes from it. */
  index: number;
  tasks: DesiredTask[];
  /** Dynamically allocated external ports, by job id and port name. */
  ports: Record<string, Record<string, number>>;
}

const FILE = 'state.json';

export interface StateStore {
  readonly dir: string;
  get(): AgentState;
  /**
   * Applies a change at once (`get()` sees it) and persists it: resolves once a write holding the change
   * is on disk. Writes are serialised and each is atomic; changes made while a write is under way share
   * the next one (group commit), so a burst of 50 changes costs two writes, not 50.
   */
  update(change: (state: AgentState) => AgentState): Promise<void>;
  /** Resolves once every change made so far is on disk (or its write failed, which `update` reported). */
  settled(): Promise<void>;
  /** How many times the file has been written (for tests and diagnostics). */
  writes(): number;
}

/**
 * Opens (or creates) the state in `dir`. A file that cannot be parsed is reported through `onCorrupt`
 * and replaced by a fresh state: the master's next answer restores the tasks.
 */
export async function openStateStore(dir: string, onCorrupt: (err: unknown) => void = () => {}): Promise<StateStore> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, FILE);
  let state: AgentState = { agentId: randomUUID(), index: 0, tasks: [], ports: {} };
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (text !== undefined) {
    try {
      const parsed = JSON.parse(text) as Partial<AgentState>;
      state = {
        agentId: typeof parsed.agentId === 'string' ? parsed.agentId : state.agentId,
        index: Number.isInteger(parsed.index) ? parsed.index! : 0,
        tasks: Array.isArray(parsed.tasks) ? parsed.tasks : [],
        ports: parsed.ports && typeof parsed.ports === 'object' ? parsed.ports : {},
      };
    } catch (err) {
      onCorrupt(err);
    }
  }
  let last: Promise<void> = Promise.resolve();
  // The write queued behind `last` and not started yet: it will take whatever the state is when it starts.
  let queued: Promise<void> | null = null;
  let writes = 0;
  const store: StateStore = {
    dir,
    get: () => state,
    update(change) {
      state = change(state);
      queued ??= last = last.catch(() => {}).then(() => {
        queued = null;
        writes += 1;
        return writeAtomically(dir, path, JSON.stringify(state, null, 1));
      });
      return queued;
    },
    settled: () => last.catch(() => {}),
    writes: () => writes,
  };
  if (text === undefined) await store.update((s) => s);
  return store;
}

/** tmp + fsync + rename + fsync of the directory: after a crash the file is the old or the new one, whole. */
async function writeAtomically(dir: string, path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  const file = await open(tmp, 'w');
  try {
    await file.writeFile(content);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
  const dirHandle = await open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}
