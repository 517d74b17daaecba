/** Runs `fn` over `items` with at most `concurrency` calls in flight; stops taking new items after `deadline`. */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<unknown>,
  deadline = Infinity,
): Promise<{ done: number; errors: number; firstError?: unknown }> {
  let next = 0;
  let done = 0;
  let errors = 0;
  let firstError: unknown;
  async function worker() {
    while (next < items.length && performance.now() < deadline) {
      const i = next++;
      try {
        await fn(items[i], i);
        done++;
      } catch (err) {
        errors++;
        firstError ??= err;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return { done, errors, firstError };
}
