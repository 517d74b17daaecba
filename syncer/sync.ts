/**
 * The syncer daemon: one reactor, one kind of pass (`syncPass`), several triggers.
 * Invariants:
 *  - triggers (interval timer, ref watch, webhook) only signal; the reactor runs the pass;
 *  - never two passes at once; signals during a pass collapse into one more pass;
 *  - a pass runs every interval even without a new commit, so hand-made drift is put back;
 *  - a failure is logged when it starts and when it ends, not on every pass;
 *  - a failed pass is retried with backoff (PASS_BACKOFF), a pass has a deadline (--pass-timeout),
 *    and /healthz turns stale (503) when no pass has succeeded for --stale-after.
 */
import pino, { type Logger } from 'pino';
import { createClient, isHeliosError, serveMetrics, type HeliosClient } from '../core/index.js';
import { GitSourceError } from './errors.js';
import { createSyncerMetrics, type SyncerMetrics } from './metrics/syncerMetrics.js';
import type { SyncerConfig } from './options.js';
import { formatError } from './output.js';
import { createHealth } from './health.js';
import { createReactor, type Reactor } from './reactor.js';
import { backoffDelay } from './retry.js';
import type { GitSource } from './repo/gitSource.js';
import { openLocalRepo } from './repo/localRepo.js';
import { openRemoteRepo } from './repo/remoteRepo.js';
import { createSyncPass, type SyncOutcome } from './syncPass.js';
import { watchRefs } from './triggers/watchRefs.js';
import { startWebhookServer, type WebhookServer } from './triggers/webhookServer.js';

export interface Syncer {
  reactor: Reactor<SyncOutcome>;
  source: GitSource;
  webhook?: WebhookServer;
  /** Where GET /metrics is served (`--metrics`), or undefined. */
  metricsUrl?: string;
  stop(): Promise<void>;
}

export function createLogger(): Logger {
  return pino({ name: 'helios-syncer', level: process.env.HELIOS_LOG_LEVEL ?? 'info' }, pino.destination(2));
}

/** The repository, the client and the pass of a configuration (shared by the daemon and `--once`). */
export async function preparePass(config: SyncerConfig, log: Logger, client?: HeliosClient, metrics?: SyncerMetrics) {
  const source = config.remote
    ? await openRemoteRepo({
      url: config.repo, branch: config.branch, cacheDir: config.cacheDir, token: config.gitToken, username: config.gitUsername,
      timeoutMs: config.gitTimeoutMs, retries: config.gitRetries, maxObjectBytes: config.maxGitObjectBytes,
      onRetry: (what, err, attempt, delayMs) => log.info({ what, attempt, delayMs, reason: err instanceof Error ? err.message : String(err) }, 'git request failed: retrying'),
      onRequest: metrics?.gitRequest,
    })
    : await openLocalRepo({ dir: config.repo, branch: config.branch });
  // A sync request carries the commit's whole desired set: sent twice it applies once, so one cut off goes to the next master.
  const helios = client ?? createClient({ baseUrl: config.masters[0], masters: config.masters, resend: 'all', token: config.token, tls: config.tls, owner: 'syncer', masterHint: '--master or HELIOS_MASTER' });
  const pass = createSyncPass({ source, client: helios, name: config.name, branch: config.branch, path: config.path, dryRun: config.dryRun,
    adopt: config.adopt, hostAliases: config.hostAliases, limits: config.limits, log });
  return { source, pass };
}

/** A failed pass is retried after 5 s, 10 s, 20 s, … up to 3 min, with jitter (Argo CD's retry backoff). */
export const PASS_BACKOFF = { baseMs: 5_000, maxMs: 180_000 };

/**
 * Starts the daemon: the first pass at once, then on every trigger.
 * @example
 *   const syncer = await startSyncer(parseOptions(['--master', url, '--repo', dir, '--watch']) as SyncerConfig);
 *   await syncer.reactor.next();   // the result of a pass
 *   await syncer.stop();
 */
export async function startSyncer(config: SyncerConfig, log: Logger = createLogger()): Promise<Syncer> {
  log = log.child({ component: 'syncer', source: config.name });
  const metrics = createSyncerMetrics();
  // Before anything runs: an address that cannot be listened on stops the start with nothing to undo.
  const metricsServer = config.metrics && await serveMetrics(config.metrics, metrics.registry);
  const { source, pass } = await preparePass(config, log, undefined, metrics).catch(async (err: unknown) => {
    await metricsServer?.close();
    throw err;
  });
  const health = createHealth({ staleAfterMs: config.staleAfterMs });
  let failure: string | undefined;
  let failureCode: string | undefined;
  let refused: string | undefined;
  let last: { commit: string; state: string; at: number } | undefined;

  let passStarted = 0;
  const passSeconds = () => (performance.now() - passStarted) / 1000;
  const run = async (signal: AbortSignal) => {
    passStarted = performance.now();
    const outcome = await pass(signal);
    metrics.passed(outcome.commit, outcome.result, passSeconds());
    if (failure) log.info({ after: failure }, 'sync recovered');
    failure = undefined;
    failureCode = undefined;
    health.passed({ refused: outcome.result.state === 'REFUSED' });
    last = { commit: outcome.commit, state: outcome.result.state, at: Date.now() };
    const key = outcome.result.state === 'REFUSED' ? `${outcome.commit}\0${outcome.result.errors.map(formatError).join('\n')}` : undefined;
    if (key && key !== refused) log.warn({ commit: outcome.commit, errors: outcome.result.errors.map(formatError) }, 'commit refused');
    refused = key;
    return outcome;
  };
  const reactor = createReactor({
    resyncMs: config.intervalMs,
    passTimeoutMs: config.passTimeoutMs,
    // A source of another repository, or a token that may not: retrying soon only repeats the refusal.
    retryMs: (err, failures) => (needsAPerson(err) ? config.intervalMs : backoffDelay(failures, PASS_BACKOFF)),
    run,
    onError: (err) => {
      metrics.failed(errorCode(err) ?? (err instanceof GitSourceError ? err.code : undefined), passSeconds());
      const message = err instanceof Error ? err.message : String(err);
      if (message !== failure) log.error({ err, code: errorCode(err) }, 'sync failed');
      failure = message;
      failureCode = errorCode(err);
      health.failed(message);
    },
  });

  const closers: (() => Promise<void>)[] = [() => source.close(), ...(metricsServer ? [metricsServer.close] : [])];
  try {
    if (config.watch) {
      const watcher = await watchRefs(source.gitdir, () => reactor.signal(), { branch: config.branch });
      closers.push(watcher.close);
      log.info({ gitdir: source.gitdir }, 'watching refs');
    }
    let webhook: WebhookServer | undefined;
    if (config.webhook) {
      webhook = await startWebhookServer({
        ...config.webhook,
        branch: config.branch,
        onPush: (provider) => {
          log.debug({ provider }, 'webhook');
          reactor.signal();
        },
        // At most one line a second, never the URL: a flood of bad calls must not fill the log.
        onRejected: (reason, suppressed) => log.warn({ reason, ...(suppressed ? { suppressed } : {}) }, 'webhook rejected'),
        health: () => {
          const report = health.report(reactor.runningSince);
          return {
            state: report.state,
            detail: { source: config.name, lastCommit: last?.commit ?? null, lastState: last?.state ?? null, failing: failure ?? null, code: failureCode ?? null,
              message: report.message, lastGoodPassSecondsAgo: Math.round(report.sinceGoodMs / 1000) },
          };
        },
      });
      closers.push(webhook.close);
      log.info({ url: `${webhook.url}/webhook` }, 'webhook listening');
    }
    if (metricsServer) log.info({ url: `${metricsServer.url}/metrics` }, 'metrics listening');
    return {
      reactor,
      source,
      webhook,
      metricsUrl: metricsServer ? metricsServer.url : undefined,
      async stop() {
        await reactor.stop();
        await Promise.all(closers.map((close) => close()));
      },
    };
  } catch (err) {
    await reactor.stop();
    await Promise.all(closers.map((close) => close()));
    throw err;
  }
}

const errorCode = (err: unknown): string | undefined => (isHeliosError(err) ? err.code : (err as { code?: unknown }).code === 'PASS_TIMEOUT' ? 'PASS_TIMEOUT' : undefined);

/** Failures only a person fixes (another repository's source, a token without the role): no quick retry. */
const needsAPerson = (err: unknown) => isHeliosError(err, 'SOURCE_MISMATCH') || isHeliosError(err, 'FORBIDDEN') || isHeliosError(err, 'UNAUTHORIZED');
