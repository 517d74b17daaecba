import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Runs `batch` (one short transaction) until it says nothing is left, at most `maxBatches` times,
 * giving the event loop a turn between two batches: requests are served while a reaper works through
 * a backlog, and what is left waits for the next run.
 */
export async function inBatches(batch: () => Promise<{ more: boolean }>, maxBatches: number, stopped: () => boolean): Promise<void> {
  for (let i = 0; i < maxBatches && !stopped(); i++) {
    if (!(await batch()).more) return;
    await nextTurn();
  }
}
