/**
 * The iteration order of a `java.util.HashSet<String>` filled in the given order. Helios keeps
 * `addCapabilities` / `dropCapabilities` as sets: the master reads them into a HashSet, and the job id
 * hash serializes them in that set's order. Small sets only: bins that Java turns into trees (8+
 * strings in one bucket of a 64+ table) are not modelled.
 */
export function javaHashSetOrder(items: readonly string[]): string[] {
  const unique = [...new Set(items)];
  let capacity = 16;
  while (unique.length > capacity * 0.75) capacity *= 2;
  return unique
    .map((item, index) => ({ item, index, bucket: spreadHash(javaStringHash(item)) & (capacity - 1) }))
    .sort((a, b) => a.bucket - b.bucket || a.index - b.index)
    .map((entry) => entry.item);
}

/** `String.hashCode()`: s[0]*31^(n-1) + … + s[n-1] over UTF-16 code units, in 32-bit ints. */
export function javaStringHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0;
  return hash;
}

/** `HashMap.hash()`: folds the high bits into the low ones used for the bucket index. */
const spreadHash = (hash: number) => hash ^ (hash >>> 16);
