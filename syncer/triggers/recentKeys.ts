/**
 * The last `capacity` keys seen, oldest forgotten first: enough to recognise a replayed webhook
 * delivery for a while in a few tens of kilobytes.
 */
export function createRecentKeys(capacity: number) {
  const keys = new Set<string>();
  return {
    /** True when any of `batch` was seen before; records them all either way. */
    seen(batch: string[]): boolean {
      const repeated = batch.some((key) => keys.has(key));
      for (const key of batch) {
        keys.delete(key);
        keys.add(key);
        if (keys.size > capacity) keys.delete(keys.values().next().value as string);
      }
      return repeated;
    },
  };
}
