/** Order statistics of a sample of timings (nearest-rank percentiles, as most load tools report them). */
export interface Summary {
  n: number;
  min: number;
  median: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** The p-th percentile (0–100) by nearest rank; NaN for an empty sample. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sortedPercentile(sorted, p);
}

function sortedPercentile(sorted: readonly number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export const median = (samples: readonly number[]) => percentile(samples, 50);
export const p95 = (samples: readonly number[]) => percentile(samples, 95);
export const p99 = (samples: readonly number[]) => percentile(samples, 99);

/**
 * @example
 *   const s = summarize([3, 1, 2]); // { n: 3, min: 1, median: 2, p95: 3, p99: 3, max: 3, mean: 2 }
 */
export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  return {
    n,
    min: n ? sorted[0] : NaN,
    median: sortedPercentile(sorted, 50),
    p95: sortedPercentile(sorted, 95),
    p99: sortedPercentile(sorted, 99),
    max: n ? sorted[n - 1] : NaN,
    mean: n ? sorted.reduce((a, b) => a + b, 0) / n : NaN,
  };
}
