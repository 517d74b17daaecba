/** How many of something each key holds now (open connections, waiting queries); a key at 0 is forgotten. */
export function createKeyedCounter() {
  const counts = new Map<string, number>();
  return {
    count: (key: string) => counts.get(key) ?? 0,
    add(key: string): void {
      counts.set(key, (counts.get(key) ?? 0) + 1);
    },
    remove(key: string): void {
      const left = (counts.get(key) ?? 1) - 1;
      if (left > 0) counts.set(key, left);
      else counts.delete(key);
    },
  };
}
export type KeyedCounter = ReturnType<typeof createKeyedCounter>;
