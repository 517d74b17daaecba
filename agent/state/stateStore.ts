import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { DesiredTaskSchema } from '../../core/index.js';

const AgentId = Type.String({ minLength: 1, maxLength: 200 });
const ClusterId = Type.Union([Type.String({ minLength: 1 }), Type.Null()]);

/** What the agent keeps on disk: enough to run its tasks with the master away, and to survive kill -9. */
const AgentStateSchema = Type.Object({
  /** This agent's registration id (stable across restarts, so the master knows it is the same agent). */
  agentId: AgentId,
  /**
   * The cluster of the first master that gave this agent its desired set; null until then. A master of
   * another cluster is refused (see agent/link/clusterStanding.ts). Absent from files of older agents.
   */
  clusterId: Type.Optional(ClusterId),
  /** The master's index of `tasks`; the long-poll resumes from it. */
  index: Type.Integer({ minimum: 0 }),
  tasks: Type.Array(DesiredTaskSchema),
  /** Dynamically allocated external ports, by job id and port name. */
  ports: Type.Record(Type.String(), Type.Record(Type.String(), Type.Integer({ minimum: 1, maximum: 65_535 }))),
});
export type AgentState = Static<typeof AgentStateSchema> & { clusterId: string | null };

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
 * Opens (or creates) the state in `dir`. A file that cannot be parsed, or that breaks the schema
 * anywhere, is reported through `onCorrupt` and replaced by a state at index 0 with no tasks (so
 * nothing is reaped before the master answers, and its next answer restores the tasks), keeping the
 * agent and cluster ids when they are sound.
 */
export async function openStateStore(dir: string, onCorrupt: (err: unknown) => void = () => {}): Promise<StateStore> {
  // The file holds every task's job, env included: only the agent's user may read it (as kubelet and
  // Nomad keep theirs). A directory the agent creates is 0700; one that exists is left as it is.
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, FILE);
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  let state = text === undefined ? freshState() : readState(path, text, onCorrupt);
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

const freshState = (): AgentState => ({ agentId: randomUUID(), clusterId: null, index: 0, tasks: [], ports: {} });

function readState(path: string, text: string, onCorrupt: (err: unknown) => void): AgentState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    onCorrupt(err);
    return freshState();
  }
  if (Value.Check(AgentStateSchema, parsed)) return { ...parsed, clusterId: parsed.clusterId ?? null };
  const first = Value.Errors(AgentStateSchema, parsed).First()!;
  onCorrupt(new Error(`${path}: ${first.path || '/'}: ${first.message}`));
  const { agentId, clusterId } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  return {
    ...freshState(),
    ...(Value.Check(AgentId, agentId) ? { agentId } : {}),
    ...(Value.Check(ClusterId, clusterId) ? { clusterId } : {}),
  };
}

/**
 * tmp + fsync + rename + fsync of the directory: after a crash the file is the old or the new one, whole.
 * Created 0600, so a file an older agent left world-readable is not after the next write.
 */
export async function writeAtomically(dir: string, path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  const file = await open(tmp, 'w', 0o600);
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
