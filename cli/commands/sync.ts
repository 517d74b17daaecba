import { HeliosError } from '../../core/errors/HeliosError.js';
import type { SyncSource } from '../../core/schema/sync.js';
import { defineCommand, type RunArgs } from '../command.js';
import { connect } from '../connect.js';
import { shortJobId, utcTimestamp } from '../format.js';
import { colorState } from '../output.js';
import { expectPositionals, stringFlag } from '../usage.js';
import { commandMeta } from '../registry.js';

export default defineCommand({
  ...commandMeta('sync'),
  help: `'sync status' lists every sync source (or only SOURCE) the master knows, as a table:
  SOURCE  REPO  BRANCH  PATH  APPLIED  ATTEMPTED  STATE  LAST ATTEMPT (UTC)
APPLIED is the last commit applied, ATTEMPTED the last one tried and LAST ATTEMPT when (they differ
when a commit was refused); STATE is OK, ERROR, or REGISTERED (not synced yet). Below the table,
the rollout of each deployment group a source's jobs go to (deploy.group), as 'SOURCE: group GROUP ->
JOB STATUS U/M hosts (rollout N)' (U of its M hosts updated so far) with ': error' when FAILED; then each error of a source in ERROR, as
'SOURCE: file:line: message', and each warning of its last
commit (a job whose expires has passed, left out), as 'SOURCE: file:line: warning: message'. Exits 1 when a source shown is
in ERROR (its last commit was refused), so a script or CI can check it; 0 otherwise.
--json: [SyncSource, …] with keys name, repo, branch, path, lastAppliedCommit, lastAttemptedCommit,
state, errors [{file, line, message}], warnings (the same shape), lastSync (when a commit was last applied), lastAttempt
(when one was last tried), in ms since the epoch, lastPlan (the last helios-syncer --dry-run of it: {commit, at, state
PLANNED or REFUSED, actions (the first 100), actionCount, errors}, or null), and rollouts [{group, jobId, status, rolloutId, updated, members, error, reverted}]
when its jobs go to deployment groups

A source follows the repository, branch and path of its first sync; a syncer of another one under
the same name is refused (SOURCE_MISMATCH). An admin token may:
'sync register SOURCE --repo URL [--branch main] [--path jobs]' say what SOURCE follows before its
  first sync, or re-point a source that moved (what it applied stays until its next sync);
  --json: the SyncSource
'sync delete SOURCE' forget a source that owns no job (STILL_IN_USE otherwise: sync an empty folder
  first); --json: {"source": "SOURCE", "status": "OK"}`,
  options: { repo: { type: 'string' }, branch: { type: 'string' }, path: { type: 'string' } },
  async run(args) {
    const sub = args.positionals[0];
    if (sub === 'status') return status(this, args);
    if (sub === 'register') return register(this, args);
    if (sub === 'delete') return remove(this, args);
    throw new HeliosError('INVALID_ARGUMENT', `unknown sync command '${sub ?? ''}': usage: helios ${this.synopsis}`);
  },
});

type Self = { name: string; synopsis: string };

async function status(self: Self, { positionals, global, out }: RunArgs): Promise<number> {
  expectPositionals(self, positionals, 1, 2);
  const client = await connect(global);
  const sources = positionals[1] ? [await client.sync.source(positionals[1])] : await client.sync.sources();
  const code = sources.some((s) => s.state === 'ERROR') ? 1 : 0;
  if (out.json) {
    out.printJson(sources);
    return code;
  }
  if (sources.length === 0) {
    out.info('No sync sources yet: start helios-syncer to apply a git repository.');
    return code;
  }
  const short = (commit: string | null) => (commit ? commit.slice(0, 7) : '<none>');
  await out.printTable(['SOURCE', 'REPO', 'BRANCH', 'PATH', 'APPLIED', 'ATTEMPTED', 'STATE', 'LAST ATTEMPT (UTC)'],
    sources.map((s) => {
      const tried = s.lastAttempt ?? s.lastSync; // a master from before lastAttempt sends only lastSync
      return [s.name, s.repo, s.branch, s.path, short(s.lastAppliedCommit), short(s.lastAttemptedCommit),
        colorState(out.colors, s.state), tried ? utcTimestamp(tried) : 'never'];
    }));
  for (const line of [...rolloutLines(sources), ...problemLines(sources)]) out.print(line);
  return code;
}

async function register(self: Self, { positionals, flags, global, out }: RunArgs): Promise<void> {
  expectPositionals(self, positionals, 2);
  const repo = stringFlag(flags.repo);
  if (!repo) throw new HeliosError('INVALID_ARGUMENT', `sync register needs --repo URL: usage: helios ${self.synopsis}`);
  const client = await connect(global);
  const source = await client.sync.register(positionals[1], { repo, branch: stringFlag(flags.branch) ?? 'main', path: stringFlag(flags.path) ?? 'jobs' });
  if (out.json) out.printJson(source);
  else out.print(`${source.name}: follows ${source.repo} branch ${source.branch} path ${source.path || '/'}`);
}

async function remove(self: Self, { positionals, global, out }: RunArgs): Promise<void> {
  expectPositionals(self, positionals, 2);
  const [, name] = positionals;
  await (await connect(global)).sync.remove(name);
  if (out.json) out.printJson({ source: name, status: 'OK' });
  else out.print(`${name}: deleted`);
}

/**
 * The rollout of each group a source's jobs go to (absent from older masters), after a blank line:
 * 'SOURCE: group web -> web:2:9c1d4e2 ROLLING_OUT 1/3 hosts (rollout 3)', a failure with its error.
 */
function rolloutLines(sources: SyncSource[]): string[] {
  const lines = sources.flatMap((s) => (s.rollouts ?? []).map((r) => {
    const about = [r.rolloutId === null ? undefined : `rollout ${r.rolloutId}`, r.reverted ? 'reverted' : undefined].filter(Boolean).join(', ');
    return `${s.name}: group ${r.group} -> ${r.jobId ? shortJobId(r.jobId) : '<no job>'} ${r.status} ${r.updated}/${r.members} hosts${about ? ` (${about})` : ''}${r.error ? `: ${r.error}` : ''}`;
  }));
  return lines.length > 0 ? ['', ...lines] : [];
}

/** Each source's errors, then its warnings (absent from older masters), one line each, after a blank one. */
function problemLines(sources: SyncSource[]): string[] {
  const lines: string[] = [];
  for (const s of sources) {
    const problems = [...s.errors.map((e) => ({ ...e, kind: '' })), ...(s.warnings ?? []).map((w) => ({ ...w, kind: 'warning: ' }))];
    if (problems.length === 0) continue;
    if (lines.length === 0) lines.push('');
    for (const p of problems) lines.push(`${s.name}: ${p.file}${p.line ? `:${p.line}` : ''}: ${p.kind}${p.message}`);
  }
  return lines;
}
