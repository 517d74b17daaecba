/**
 * The one shape every benchmark returns: a list of figures. A timing carries the baseline measured in
 * the same run (ratios hold on a noisy machine, absolute times do not); a size may carry a target.
 */
import { percentile } from './stats.js';

export interface Baseline {
  /** What the baseline is, e.g. 'GET /version' or 'dockerode create+start'. */
  name: string;
  value: number;
}

export interface Figure {
  /** Row label, e.g. 'GET /jobs p99'. */
  name: string;
  value: number;
  /** 'ms', 's', 'MB', 'count', '/s', … */
  unit: string;
  baseline?: Baseline;
  /** A target the value must meet, e.g. { op: '<', value: 100 } for "p99 under 100 ms". */
  target?: { op: '<' | '<=' | '>' | '>='; value: number };
  /** Free text shown in the table's last column (sizes, sample counts, caveats). */
  note?: string;
}

export interface BenchOptions {
  /** Smaller sizes, for a fast check that everything runs. */
  quick?: boolean;
  /** Time the benchmark may take (ms); it should cut its loops short to fit. */
  budgetMs?: number;
  /** Progress lines (stderr). */
  log?: (message: string) => void;
}

/** What a benchmark module exports. */
export type Benchmark = (options?: BenchOptions) => Promise<Figure[]>;

/** value / baseline, or undefined when there is no usable baseline. */
export function ratio(figure: Figure): number | undefined {
  const base = figure.baseline?.value;
  if (base === undefined || !Number.isFinite(base) || base === 0 || !Number.isFinite(figure.value)) return undefined;
  return figure.value / base;
}

/** true/false when the figure has a target, undefined otherwise. */
export function meetsTarget(figure: Figure): boolean | undefined {
  const t = figure.target;
  if (!t) return undefined;
  switch (t.op) {
    case '<': return figure.value < t.value;
    case '<=': return figure.value <= t.value;
    case '>': return figure.value > t.value;
    case '>=': return figure.value >= t.value;
  }
}

/**
 * Figures for the median, p95 and p99 of a timing sample, each next to the same statistic of the baseline.
 * @example
 *   figures.push(...latencyFigures('GET /jobs', jobsMs, { name: 'GET /version', samples: versionMs }));
 */
export function latencyFigures(
  name: string,
  samples: readonly number[],
  baseline?: { name: string; samples: readonly number[] },
  stats: ReadonlyArray<'median' | 'p50' | 'p95' | 'p99'> = ['median', 'p95'],
  target?: Figure['target'],
): Figure[] {
  const pct = { median: 50, p50: 50, p95: 95, p99: 99 } as const;
  return stats.map((stat) => ({
    name: `${name} ${stat}`,
    value: percentile(samples, pct[stat]),
    unit: 'ms',
    baseline: baseline ? { name: `${baseline.name} ${stat}`, value: percentile(baseline.samples, pct[stat]) } : undefined,
    target: stat === stats[stats.length - 1] ? target : undefined,
    note: `n=${samples.length}`,
  }));
}
