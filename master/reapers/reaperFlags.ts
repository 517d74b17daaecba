/** helios-master's flags for the reapers: parseArgs options, usage lines, and values → Retention. */
import { parseDuration } from '../../core/model/duration.js';
import { defaultRetention, type Retention } from './retention.js';

const days = (ms: number | null) => (ms === null ? 'off' : `${ms / 86_400_000}d`);

export const reaperUsage = `  Reapers (run every 5s; each run does bounded work, logs and audits what it reaped):
  --history-retention DUR a removed job's history and statuses are deleted this long after its
                          removal; 0: at once (default ${defaultRetention.historyMs / 3_600_000}h)
  --host-reap-after DUR|off
                          a host DOWN this long is deregistered; its deployments but git's are
                          undeployed (default ${days(defaultRetention.hostReapAfterMs)})
  --source-reap-after DUR|off
                          a sync source that owns nothing and has not tried a commit for this long
                          is removed (default ${days(defaultRetention.sourceReapAfterMs)})`;

export const reaperOptions = {
  'history-retention': { type: 'string' },
  'host-reap-after': { type: 'string' },
  'source-reap-after': { type: 'string' },
} as const;

type ReaperValues = { [K in keyof typeof reaperOptions]?: string };

/** `off` (or 0) turns the reaper off. */
const orOff = (text: string, flag: string): number | null => {
  if (text.trim() === 'off') return null;
  const ms = parseDuration(text, flag);
  return ms === 0 ? null : ms;
};

/** The retention given on the command line; the rest keeps its defaults. */
export function parseReaperFlags(values: ReaperValues): Partial<Retention> {
  const given = <T>(flag: keyof ReaperValues, parse: (text: string, flag: string) => T): T | undefined =>
    values[flag] === undefined ? undefined : parse(values[flag], `--${flag}`);
  return {
    historyMs: given('history-retention', parseDuration),
    hostReapAfterMs: given('host-reap-after', orOff),
    sourceReapAfterMs: given('source-reap-after', orOff),
  };
}
