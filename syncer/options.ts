import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SyncerUsageError } from './errors.js';
import { parseBytes } from '../core/model/byteSize.js';
import { parseDuration } from '../core/model/duration.js';
import { defaultManifestLimits, type ManifestLimits } from './manifests/limits.js';
import { masterList, parseMetricsAddress, readTlsFiles, tlsPathsFrom, type MetricsAddress, type TlsOptions } from '../core/index.js';

export const usage = `usage: helios-syncer --master URL --repo URL|PATH [options]

Makes the master match the job files of a git repository: one job per file under --path
(.yaml, .yml or .json; the Helios job fields plus deploy: { hosts, goal }).

options:
  --master URL               the master (default $HELIOS_MASTER). Several masters of one cluster:
                             repeat it or give URLs separated by commas; the syncer uses the one that
                             last answered and moves to the next when it stops answering
  --ca FILE                  the PEM CA that signed an https:// master's certificate ($HELIOS_CA;
                             default: the CAs built into Node and NODE_EXTRA_CA_CERTS); the
                             certificate is always verified
  --cert FILE                a PEM client certificate for a master with --client-ca ($HELIOS_CERT)
  --key FILE                 that certificate's PEM private key ($HELIOS_KEY)
  --repo URL|PATH            an http(s):// remote, or a local repository (working copy or bare)
  --branch NAME              branch to follow (default main)
  --path DIR                 folder of job files in the repository (default jobs)
  --name SOURCE              sync source name at the master; owns git:SOURCE (default: the repo's name,
                             plus the branch and path when not main and jobs). The master records the
                             repo, branch and path of a source's first sync and refuses another one
  --adopt                    the source moved: re-point SOURCE at this repo, branch and path (its jobs
                             from the old one are pruned); needs an admin token; sent until taken once
  --interval DURATION        resync period, even with no new commit (default 30s; e.g. 500ms, 10s, 5m)
  --watch                    local repository: sync as soon as the branch moves (watches its refs)
  --webhook HOST:PORT        serve POST /webhook (GitHub X-Hub-Signature-256 or GitLab X-Gitlab-Token):
                             a push to --branch syncs; other events and branches, and replays, do not.
                             GET /healthz says ok, failing or stale (503: no pass succeeded for
                             --stale-after; details with Authorization: Bearer SECRET)
  --webhook-secret-file PATH the webhook secret (required with --webhook)
  --metrics [HOST:]PORT      serve GET /metrics (Prometheus' text format) there, on 127.0.0.1 when no
                             HOST is given; no authentication (default: not served)
  --cache-dir DIR            where a remote is fetched to (default $HELIOS_HOME/syncer-SOURCE); fetches are
                             shallow (the branch's last commit) and the cache is started afresh past 16 packs
  --git-timeout DURATION     a git server must connect, and then send something, within this, or the
                             request fails (default 30s)
  --git-retries N            a git request that failed on the network, a timeout or a 5xx is tried again
                             up to N times, after 1 s, 2 s, ... (with jitter; default 2)
  --pass-timeout DURATION    a pass (fetch, read, apply) not done by then is given up and retried
                             (default 2m). A failed pass is retried after 5 s, 10 s, 20 s, ... up to
                             3 min (with jitter), and at the latest at the next --interval
  --stale-after DURATION     GET /healthz answers 503 once no pass has succeeded for this long (default:
                             3 --interval, at least --pass-timeout)
  --max-file-bytes SIZE      a job file, as stored and with its YAML aliases expanded; past it the file
                             is an error (default 1MiB; sizes in bytes, or with KiB, MiB)
  --max-job-bytes SIZE       a job spec as JSON, env included; past it the file is an error (default
                             256KiB, the master's --max-job-bytes)
  --max-sync-bytes SIZE      the commit's whole set of jobs as JSON; past it the commit is refused
                             (default 64MiB, the master's --max-sync-bytes)
  --max-git-object-bytes SIZE
                             any object of a fetched commit, in the folder or not; past it the fetch
                             fails as the pack arrives, before it is inflated (default 100MiB, GitHub's
                             limit for a file)
  --host-alias NAME=HOST     a name used in deploy.hosts stands for HOST (repeatable; helios solo
                             maps local=<its agent>)
  --once                     sync once and exit: 0 applied (or nothing to do), 1 refused or failed
  --dry-run                  print the plan, change nothing: exit 0 nothing would change, 2 something would
  -h, --help                 this help

environment: HELIOS_TOKEN (master bearer token), HELIOS_GIT_TOKEN (HTTPS git token),
HELIOS_GIT_USERNAME (user for that token, default x-access-token), HELIOS_LOG_LEVEL (default info).
`;

export interface SyncerConfig {
  /** The masters of the cluster, in order (--master repeated or a comma list, else HELIOS_MASTER). */
  masters: string[];
  token?: string;
  /** The --ca, --cert and --key files' PEM texts. */
  tls?: TlsOptions;
  repo: string;
  /** True for an http(s) remote; false for a local path. */
  remote: boolean;
  branch: string;
  path: string;
  name: string;
  intervalMs: number;
  watch: boolean;
  once: boolean;
  dryRun: boolean;
  /** Send `adopt: true` until the master takes a request: re-points the source (admin token). */
  adopt: boolean;
  webhook?: { host: string; port: number; secret: string };
  /** Serve GET /metrics (Prometheus) here (`--metrics`); port 0 takes a free one (Syncer.metricsUrl). */
  metrics?: MetricsAddress;
  cacheDir: string;
  /** Connect and read timeout of each git HTTP request (--git-timeout). */
  gitTimeoutMs: number;
  /** Retries of a git request that failed on the network, a timeout or a 5xx (--git-retries). */
  gitRetries: number;
  /** A pass's deadline (--pass-timeout). */
  passTimeoutMs: number;
  /** /healthz answers 503 when no pass has succeeded for this long (--stale-after). */
  staleAfterMs: number;
  /** --max-file-bytes, --max-job-bytes, --max-sync-bytes. */
  limits: ManifestLimits;
  /** A fetched pack holding a larger object fails as it arrives (--max-git-object-bytes). */
  maxGitObjectBytes: number;
  gitToken?: string;
  gitUsername?: string;
  /** `--host-alias NAME=HOST`: deploy.hosts names replaced before sending. */
  hostAliases: Map<string, string>;
}

/** Parses the command line and environment; throws SyncerUsageError naming the bad option. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): SyncerConfig | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        master: { type: 'string', multiple: true }, ca: { type: 'string' }, cert: { type: 'string' }, key: { type: 'string' }, repo: { type: 'string' }, branch: { type: 'string', default: 'main' },
        path: { type: 'string', default: 'jobs' }, name: { type: 'string' }, interval: { type: 'string', default: '30s' },
        watch: { type: 'boolean', default: false }, once: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false }, adopt: { type: 'boolean', default: false }, webhook: { type: 'string' }, 'webhook-secret-file': { type: 'string' }, metrics: { type: 'string' },
        'cache-dir': { type: 'string' }, 'git-timeout': { type: 'string', default: '30s' }, 'git-retries': { type: 'string', default: '2' },
        'pass-timeout': { type: 'string', default: '2m' }, 'stale-after': { type: 'string' },
        'max-file-bytes': { type: 'string' }, 'max-job-bytes': { type: 'string' }, 'max-sync-bytes': { type: 'string' }, 'max-git-object-bytes': { type: 'string' }, 'host-alias': { type: 'string', multiple: true, default: [] }, help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    throw new SyncerUsageError((err as Error).message);
  }
  if (values.help) return 'help';
  const masters = mastersOf(values.master ?? (env.HELIOS_MASTER ? [env.HELIOS_MASTER] : []));
  if (masters.length === 0) throw new SyncerUsageError('--master URL is required (or set HELIOS_MASTER)');
  if (!values.repo) throw new SyncerUsageError('--repo URL|PATH is required');
  const remote = /^https?:\/\//i.test(values.repo);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(values.repo) && !remote) {
    throw new SyncerUsageError(`--repo: only http(s):// remotes and local paths are supported, got ${values.repo}`);
  }
  const name = values.name ?? defaultSourceName(values.repo, values.branch!, values.path!);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) throw new SyncerUsageError(`--name may only contain letters, digits, "-", "_" and ".", got ${name}`);
  if (values.watch && remote) throw new SyncerUsageError('--watch needs a local repository; for a remote use --webhook or --interval');
  const once = values.once || values['dry-run'];
  if (once && (values.watch || values.webhook || values.metrics)) throw new SyncerUsageError('--once and --dry-run sync once and exit: drop --watch, --webhook and --metrics');
  if (values['webhook-secret-file'] && !values.webhook) throw new SyncerUsageError('--webhook-secret-file needs --webhook HOST:PORT');
  const home = env.HELIOS_HOME || path.join(homedir(), '.helios');
  const intervalMs = parseInterval(values.interval);
  const passTimeoutMs = parseTimeout(values['pass-timeout'], '--pass-timeout');
  return {
    masters,
    token: env.HELIOS_TOKEN || undefined,
    tls: readTlsFiles(tlsPathsFrom(values, env)),
    repo: remote ? values.repo : path.resolve(values.repo),
    remote,
    branch: values.branch,
    path: values.path,
    name,
    intervalMs,
    watch: values.watch,
    once,
    dryRun: values['dry-run'],
    adopt: values.adopt,
    webhook: values.webhook ? { ...parseAddress(values.webhook), secret: readSecret(values['webhook-secret-file']) } : undefined,
    metrics: values.metrics === undefined ? undefined : parseMetrics(values.metrics),
    cacheDir: path.resolve(values['cache-dir'] ?? path.join(home, `syncer-${name}`)),
    gitTimeoutMs: parseTimeout(values['git-timeout'], '--git-timeout'),
    gitRetries: parseCount(values['git-retries'], '--git-retries'),
    passTimeoutMs,
    staleAfterMs: values['stale-after'] === undefined ? Math.max(3 * intervalMs, passTimeoutMs) : parseTimeout(values['stale-after'], '--stale-after'),
    limits: parseLimits(values),
    maxGitObjectBytes: parseSize(values, 'max-git-object-bytes', DEFAULT_MAX_GIT_OBJECT_BYTES),
    gitToken: env.HELIOS_GIT_TOKEN || undefined,
    gitUsername: env.HELIOS_GIT_USERNAME || undefined,
    hostAliases: parseHostAliases(values['host-alias']),
  };
}

/** `local=laptop` → local ↦ laptop; a name given twice must map to the same host. */
export function parseHostAliases(texts: string[]): Map<string, string> {
  const aliases = new Map<string, string>();
  for (const text of texts) {
    const match = /^([^=\s]+)=([^=\s]+)$/.exec(text);
    if (!match) throw new SyncerUsageError(`--host-alias: expected NAME=HOST (e.g. local=web-1), got ${text}`);
    const [, name, host] = match;
    const earlier = aliases.get(name);
    if (earlier !== undefined && earlier !== host) throw new SyncerUsageError(`--host-alias: ${name} is given twice (${earlier} and ${host})`);
    aliases.set(name, host);
  }
  return aliases;
}

/** `500ms`, `10s`, `5m`, `1h`, or plain seconds. */
function parseInterval(text: string): number {
  const ms = parseDuration(text, '--interval');
  if (ms < 100) throw new SyncerUsageError(`--interval: at least 100ms, got ${text}`);
  return ms;
}

function parseTimeout(text: string, flag: string): number {
  const ms = parseDuration(text, flag);
  if (ms < 100) throw new SyncerUsageError(`${flag}: at least 100ms, got ${text}`);
  return ms;
}

function parseCount(text: string, flag: string): number {
  if (!/^\d{1,3}$/.test(text)) throw new SyncerUsageError(`${flag}: expected a whole number (0 to 999), got ${text}`);
  return Number(text);
}

/** Git's objects the syncer fetches: GitHub refuses files past 100 MB, so a repository rarely holds one. */
const DEFAULT_MAX_GIT_OBJECT_BYTES = 100 * 1024 * 1024;

type SizeFlag = 'max-file-bytes' | 'max-job-bytes' | 'max-sync-bytes' | 'max-git-object-bytes';

function parseSize(values: Partial<Record<SizeFlag, string>>, flag: SizeFlag, fallback: number): number {
  const text = values[flag];
  if (text === undefined) return fallback;
  let bytes: number;
  try {
    bytes = parseBytes(text, `--${flag}`);
  } catch (err) {
    throw new SyncerUsageError((err as Error).message);
  }
  if (!(bytes > 0)) throw new SyncerUsageError(`--${flag}: more than 0, got ${text}`);
  return bytes;
}

function parseLimits(values: Partial<Record<SizeFlag, string>>): ManifestLimits {
  const d = defaultManifestLimits;
  return {
    maxFileBytes: parseSize(values, 'max-file-bytes', d.maxFileBytes),
    maxJobBytes: parseSize(values, 'max-job-bytes', d.maxJobBytes),
    maxSyncBytes: parseSize(values, 'max-sync-bytes', d.maxSyncBytes),
  };
}

function parseMetrics(text: string): MetricsAddress {
  try {
    return parseMetricsAddress(text);
  } catch (err) {
    throw new SyncerUsageError((err as Error).message);
  }
}

function parseAddress(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) throw new SyncerUsageError(`--webhook: expected HOST:PORT (e.g. 127.0.0.1:9000), got ${text}`);
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}

function readSecret(file: string | undefined): string {
  if (!file) throw new SyncerUsageError('--webhook needs --webhook-secret-file PATH: unsigned webhooks are refused');
  let secret: string;
  try {
    secret = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new SyncerUsageError(`--webhook-secret-file: cannot read ${file}: ${(err as Error).message}`);
  }
  if (!secret) throw new SyncerUsageError(`--webhook-secret-file: ${file} is empty`);
  return secret;
}

/** The repository's last path segment as a name, e.g. `https://h/team/apps.git` → `apps`. */
export function slug(repo: string): string {
  const last = repo.replace(/[/\\]+$/, '').split(/[/\\]/).pop() ?? '';
  return clean(last.replace(/\.git$/i, '')) || 'repo';
}

const clean = (text: string) => text.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^[-_.]+|-+$/g, '');

/**
 * The default source name: the repository's slug, then the branch and the path when they are not the
 * defaults (`apps`, `apps-staging`, `apps-prod-deploy-web`). Two syncers of one repository on
 * different branches or folders must not share a source: each would prune the other's jobs.
 */
export function defaultSourceName(repo: string, branch: string, path: string): string {
  const parts = [slug(repo), branch === 'main' ? '' : clean(branch), clean(path) === 'jobs' ? '' : clean(path)];
  const name = parts.filter(Boolean).join('-');
  if (name.length <= MAX_SOURCE_NAME) return name;
  // The master takes at most 100 characters: a long one keeps its start and a digest of the whole.
  const digest = createHash('sha1').update(`${repo}\0${branch}\0${path}`).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_SOURCE_NAME - 9).replace(/[-_.]+$/, '')}-${digest}`;
}

const MAX_SOURCE_NAME = 100;

/** --master's URLs (core's masterList), its refusal a usage error. */
function mastersOf(values: string[]): string[] {
  try {
    return masterList(values, '--master');
  } catch (err) {
    throw new SyncerUsageError((err as Error).message);
  }
}
