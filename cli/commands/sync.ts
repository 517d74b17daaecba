import { HeliosError } from '../../core/errors/HeliosError.js';
import type { SyncSource } from '../../core/schema/sync.js';
import { defineCommand } from '../command.js';
import { connect } from '../connect.js';
import { utcTimestamp } from '../format.js';
import { colorState } from '../output.js';
import { expectPositionals } from '../usage.js';
import { commandMeta } from '../registry.js';

export default defineCommand({
  ...commandMeta('sync'),
  help: `'sync status' lists every sync source (or only SOURCE) the master knows, as a table:
  SOURCE  REPO  BRANCH  PATH  APPLIED  ATTEMPTED  STATE  LAST SYNC (UTC)
APPLIED is the last commit applied, ATTEMPTED the last one tried (they differ when a commit was
refused); STATE is OK or ERROR. Below the table, each error of a source in ERROR, as
'SOURCE: file:line: message'.
--json: [SyncSource, …] with keys name, repo, branch, path, lastAppliedCommit, lastAttemptedCommit,
state, errors [{file, line, message}], lastSync (ms since the epoch)`,
  options: {},
  async run({ positionals, global, out }) {
    if (positionals[0] !== 'status') {
      throw new HeliosError('INVALID_ARGUMENT', `unknown sync command '${positionals[0] ?? ''}': usage: helios ${this.synopsis}`);
    }
    expectPositionals(this, positionals, 1, 2);
    const client = await connect(global);
    const sources = positionals[1] ? [await client.sync.source(positionals[1])] : await client.sync.sources();
    if (out.json) {
      out.printJson(sources);
      return;
    }
    if (sources.length === 0) {
      out.info('No sync sources yet: start helios-syncer to apply a git repository.');
      return;
    }
    const short = (commit: string | null) => (commit ? commit.slice(0, 7) : '<none>');
    await out.printTable(['SOURCE', 'REPO', 'BRANCH', 'PATH', 'APPLIED', 'ATTEMPTED', 'STATE', 'LAST SYNC (UTC)'],
      sources.map((s) => [s.name, s.repo, s.branch, s.path, short(s.lastAppliedCommit), short(s.lastAttemptedCommit),
        colorState(out.colors, s.state), s.lastSync ? utcTimestamp(s.lastSync) : 'never']));
    for (const line of errorLines(sources)) out.print(line);
  },
});

function errorLines(sources: SyncSource[]): string[] {
  const lines: string[] = [];
  for (const s of sources) {
    if (s.errors.length === 0) continue;
    if (lines.length === 0) lines.push('');
    for (const e of s.errors) lines.push(`${s.name}: ${e.file}${e.line ? `:${e.line}` : ''}: ${e.message}`);
  }
  return lines;
}
