/** Wall-clock helpers for benchmarks: high-resolution, in milliseconds. */
import { performance } from 'node:perf_hooks';

export const now = () => performance.now();

/** Runs `fn` once and returns how long it took in ms, with its result. */
export async function timed<T>(fn: () => Promise<T> | T): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await fn();
  return { ms: performance.now() - start, result };
}

export interface SampleOptions {
  /** Stop after this many samples. */
  count: number;
  /** …or once this much time has gone by (ms), whichever comes first; at least one sample is taken. */
  budgetMs?: number;
  /** Untimed runs first (JIT, connection pools, caches). */
  warmup?: number;
}

/**
 * Times `fn` repeatedly, one call at a time, bounded in count and time.
 * @example
 *   const ms = await sample(() => fetch(url).then((r) => r.text()), { count: 200, budgetMs: 10_000, warmup: 5 });
 */
export async function sample(fn: (i: number) => Promise<unknown> | unknown, options: SampleOptions): Promise<number[]> {
  for (let i = 0; i < (options.warmup ?? 0); i++) await fn(-1 - i);
  const deadline = performance.now() + (options.budgetMs ?? Infinity);
  const samples: number[] = [];
  for (let i = 0; i < options.count; i++) {
    if (i > 0 && performance.now() > deadline) break;
    const start = performance.now();
    await fn(i);
    samples.push(performance.now() - start);
  }
  return samples;
}

/** Rejects with a clear message when `promise` takes longer than `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${Math.round(ms / 1000)} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Wall-clock time in ms with sub-millisecond resolution, comparable across processes on one machine
 * (each process's time origin is read from the same system clock).
 */
export const wallNow = () => performance.timeOrigin + performance.now();

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
