import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { SyncResult } from '../../core/index.js';
import type { GitRequest } from '../repo/remoteRepo.js';

/** Seconds: a pass reads a few files and one request (milliseconds) up to a fetch of a large pack. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/**
 * The syncer's Prometheus metrics (`--metrics ADDR`), fed by its passes and its remote's git requests.
 * One registry per syncer: tests run several in one process.
 */
export function createSyncerMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'helios_syncer_' });
  const passes = new Counter({
    name: 'helios_syncer_passes_total', help: 'Sync passes by outcome: the master\'s APPLIED, PLANNED (--dry-run) or REFUSED, or FAILED (git, the master, the pass timeout)',
    labelNames: ['outcome'], registers: [registry],
  });
  const passSeconds = new Histogram({
    name: 'helios_syncer_pass_seconds', help: 'A pass from resolving the branch to the master\'s answer (or the failure)', buckets: BUCKETS, registers: [registry],
  });
  const appliedCommits = new Counter({
    name: 'helios_syncer_applied_commits_total', help: 'Commits applied: an APPLIED pass of another commit than the last one this syncer applied', registers: [registry],
  });
  const appliedActions = new Counter({
    name: 'helios_syncer_applied_actions_total', help: 'Changes the master made for APPLIED passes (create, deploy, undeploy, …), by action',
    labelNames: ['action'], registers: [registry],
  });
  const errors = new Counter({
    name: 'helios_syncer_errors_total', help: 'Failed passes by error code (the master\'s, GIT_SOURCE_ERROR, PASS_TIMEOUT, or OTHER)', labelNames: ['code'], registers: [registry],
  });
  const gitSeconds = new Histogram({
    name: 'helios_syncer_git_request_seconds', help: 'A remote\'s git requests (ls-refs each pass, fetch for a new commit), retries included, by result: ok, failed',
    labelNames: ['request', 'result'], buckets: BUCKETS, registers: [registry],
  });
  const lastSuccess = new Gauge({
    name: 'helios_syncer_last_success_timestamp_seconds', help: 'When a pass last reached the master and got its answer (APPLIED, PLANNED or REFUSED: as /healthz counts a good pass)', registers: [registry],
  });
  let lastApplied: string | undefined;

  return {
    registry,
    passed(commit: string, result: SyncResult, seconds: number): void {
      passes.inc({ outcome: result.state });
      passSeconds.observe(seconds);
      lastSuccess.set(Date.now() / 1000);
      if (result.state !== 'APPLIED') return;
      if (commit !== lastApplied) appliedCommits.inc();
      lastApplied = commit;
      for (const { action } of result.actions) appliedActions.inc({ action });
    },
    failed(code: string | undefined, seconds: number): void {
      passes.inc({ outcome: 'FAILED' });
      passSeconds.observe(seconds);
      errors.inc({ code: code ?? 'OTHER' });
    },
    gitRequest(request: GitRequest, seconds: number, ok: boolean): void {
      gitSeconds.observe({ request, result: ok ? 'ok' : 'failed' }, seconds);
    },
  };
}
export type SyncerMetrics = ReturnType<typeof createSyncerMetrics>;
