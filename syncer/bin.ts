#!/usr/bin/env node
/**
 * helios-syncer: the one place that turns outcomes into exit codes.
 *   --once     0 applied (or nothing to do) · 1 refused, or the sync failed
 *   --dry-run  0 nothing would change · 2 something would · 1 refused or failed
 *   daemon     runs until SIGINT/SIGTERM (0); 1 when it cannot start
 */
import { isHeliosError } from '../core/index.js';
import { GitSourceError, SyncerUsageError } from './errors.js';
import { parseOptions, usage, type SyncerConfig } from './options.js';
import { formatAction, formatError } from './output.js';
import { createLogger, preparePass, startSyncer } from './sync.js';

async function main(argv: string[]): Promise<number> {
  const parsed = parseOptions(argv);
  if (parsed === 'help') {
    process.stdout.write(usage);
    return 0;
  }
  return parsed.once ? once(parsed) : daemon(parsed);
}

async function once(config: SyncerConfig): Promise<number> {
  const log = createLogger().child({ component: 'syncer', source: config.name });
  const { pass } = await preparePass(config, log);
  const { commit, result } = await pass();
  const short = commit.slice(0, 12);
  if (result.state === 'REFUSED') {
    for (const e of result.errors) process.stderr.write(`${formatError(e)}\n`);
    process.stderr.write(`commit ${short} refused: ${result.errors.length} error(s); nothing changed\n`);
    return 1;
  }
  for (const action of result.actions) process.stdout.write(`${formatAction(action)}\n`);
  if (config.dryRun) {
    process.stdout.write(result.actions.length === 0 ? `commit ${short}: nothing would change\n` : `commit ${short}: ${result.actions.length} action(s) would be applied\n`);
    return result.actions.length === 0 ? 0 : 2;
  }
  process.stdout.write(`commit ${short} applied: ${result.actions.length} action(s)\n`);
  return 0;
}

async function daemon(config: SyncerConfig): Promise<number> {
  const syncer = await startSyncer(config);
  return new Promise<number>((resolve) => {
    const shutdown = () => {
      process.off('SIGINT', shutdown);
      process.off('SIGTERM', shutdown);
      void syncer.stop().then(() => resolve(0), () => resolve(1));
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof SyncerUsageError) process.stderr.write(`helios-syncer: ${err.message}\n(see helios-syncer --help)\n`);
    else if (err instanceof GitSourceError || isHeliosError(err)) process.stderr.write(`helios-syncer: ${err.message}\n`);
    else process.stderr.write(`helios-syncer: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  },
);
