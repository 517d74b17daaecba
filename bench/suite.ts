/**
 * The benchmarks `npm run bench` runs, in order, each with its time budget (the whole suite must stay
 * under 10 minutes on a 2-core machine; a benchmark gets its budget plus 20 s before it is killed).
 * Each name is a module bench/<name>.ts exporting run(options) → figures. Budgets are ceilings: most
 * benchmarks finish well inside them (sum of the full budgets: 23.0 minutes; the suite's 9-minute
 * ceiling gives churn what is left, and it runs fewer cycles when that is less; masterScaleEngines,
 * after it, runs when time is left, or on its own with --only and --max-seconds).
 */
export interface BenchmarkEntry {
  name: string;
  title: string;
  budgetMs: number;
  quickBudgetMs: number;
}

export const benchmarks: BenchmarkEntry[] = [
  { name: 'cliHelp', title: 'helios --help through the helios npm link puts on PATH vs node -e 0', budgetMs: 45_000, quickBudgetMs: 20_000 },
  { name: 'cliStartup', title: 'helios --help and helios jobs (10,000 jobs) vs node -e 0', budgetMs: 90_000, quickBudgetMs: 30_000 },
  { name: 'blockingQuery', title: 'blocking query wake-up latency vs a plain request', budgetMs: 30_000, quickBudgetMs: 20_000 },
  { name: 'crossMasterWake', title: 'blocking query on master B woken by a deploy on master A (one PostgreSQL)', budgetMs: 40_000, quickBudgetMs: 25_000 },
  { name: 'deployLatency', title: 'deploy → RUNNING vs dockerode create+start; 50 jobs at once', budgetMs: 120_000, quickBudgetMs: 50_000 },
  { name: 'pullFailure', title: 'deploy with a wrong registry password → IMAGE_PULL_FAILED vs a raw pull failing', budgetMs: 30_000, quickBudgetMs: 20_000 },
  { name: 'gitopsLatency', title: 'commit → RUNNING, local watched repo and HTTP remote + webhook', budgetMs: 60_000, quickBudgetMs: 30_000 },
  { name: 'syncerScale', title: '10,000 job files: first sync and one-file incremental sync', budgetMs: 90_000, quickBudgetMs: 45_000 },
  { name: 'gzip', title: 'GET /jobs (12,000 jobs) gzipped as Helios clients ask, vs uncompressed', budgetMs: 40_000, quickBudgetMs: 20_000 },
  { name: 'syncApplyScale', title: "the master's sync apply: 10,000 jobs over 100 hosts, 2,000 on one host", budgetMs: 60_000, quickBudgetMs: 20_000 },
  { name: 'syncMode', title: '--sync-mode full (a group fsync before each write is answered) vs normal', budgetMs: 45_000, quickBudgetMs: 20_000 },
  { name: 'logs', title: 'helios logs -f through the master vs docker logs -f of the same container: lines/s, MB/s, a line\'s latency, first line', budgetMs: 90_000, quickBudgetMs: 45_000 },
  { name: 'rollout', title: 'a rolling update over 100 simulated agents, parallelism 1 and 10: the master\'s time between steps', budgetMs: 40_000, quickBudgetMs: 20_000 },
  { name: 'masterScale', title: '1,000 simulated agents, 10,000 jobs, 20,000 deployments', budgetMs: 150_000, quickBudgetMs: 60_000 },
  { name: 'dashboard', title: 'dashboard first screen and update to screen, GET /metrics: 10,000 jobs × 1,000 hosts (headless Chromium)', budgetMs: 120_000, quickBudgetMs: 45_000 },
  { name: 'churn', title: 'create/deploy/undeploy/remove 10,000 times: database and RSS, reaped vs history kept', budgetMs: 180_000, quickBudgetMs: 60_000 },
  // Last: the suite's ceiling rarely leaves it time; run it with --only masterScaleEngines --max-seconds 600.
  { name: 'masterScaleEngines', title: 'masterScale on SQLite, PostgreSQL with 1 and 2 masters, and 2,000 agents on 2 masters', budgetMs: 360_000, quickBudgetMs: 150_000 },
];
