/** Errors of a soak run, counted by kind, with the first and last message of each (a soak must end with none). */
export interface ErrorKind {
  count: number;
  first: string;
  last: string;
}

export function createErrorLog() {
  const kinds = new Map<string, ErrorKind>();
  return {
    add(kind: string, err: unknown, count = 1): void {
      if (count <= 0) return;
      const message = err instanceof Error ? err.message : String(err);
      const entry = kinds.get(kind);
      if (entry) {
        entry.count += count;
        entry.last = message;
      } else {
        kinds.set(kind, { count, first: message, last: message });
      }
    },
    total: () => [...kinds.values()].reduce((sum, k) => sum + k.count, 0),
    byKind: () => Object.fromEntries(kinds),
  };
}

export type ErrorLog = ReturnType<typeof createErrorLog>;
