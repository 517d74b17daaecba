/** helios-master's flags for sizes: parseArgs options, usage lines, and values → MasterLimits. */
import { defaults, type MasterLimits } from '../options.js';
import { formatBytes, parseBytes } from './byteSize.js';

const d = defaults.limits;
const size = (bytes: number) => formatBytes(bytes).replace(' ', '');

export const sizeUsage = `  Sizes (bytes, or with KiB, MiB, GiB):
  --max-body-bytes SIZE   a request body, but a sync's; past it 413 (default ${size(d.maxBodyBytes)})
  --max-sync-bytes SIZE   a sync request's body; past it 413 (default ${size(d.maxSyncBytes)})
  --max-job-bytes SIZE    a job spec as JSON, env and metadata included: POST /jobs answers 413, a
                          sync refuses the file (default ${size(d.maxJobBytes)})
  --max-concurrent-syncs N
                          sync requests read or applied at once; past it 503 with Retry-After
                          (default ${d.maxConcurrentSyncs})
  --max-sync-cache-bytes SIZE
                          the job specs kept between syncs (of all sources) to skip rebuilding
                          unchanged files; past it the least recently synced are dropped (default ${size(d.maxSyncCacheBytes)})
  --max-page-bytes SIZE   one page of a paged answer: an agent's desired tasks, GET /jobs?limit=,
                          a job's history with ?limit= (default ${size(d.maxPageBytes)})`;

export const sizeOptions = {
  'max-body-bytes': { type: 'string' },
  'max-sync-bytes': { type: 'string' },
  'max-job-bytes': { type: 'string' },
  'max-concurrent-syncs': { type: 'string' },
  'max-sync-cache-bytes': { type: 'string' },
  'max-page-bytes': { type: 'string' },
} as const;

type SizeValues = { [K in keyof typeof sizeOptions]?: string };

/** The sizes given on the command line; the others keep their defaults. */
export function parseSizeFlags(values: SizeValues): Partial<MasterLimits> {
  const bytes = (flag: keyof SizeValues) => {
    const text = values[flag];
    if (text === undefined) return undefined;
    const value = parseBytes(text, `--${flag}`);
    if (!(value > 0)) throw new Error(`--${flag} ${JSON.stringify(text)}: it must be more than 0`);
    return value;
  };
  const syncs = values['max-concurrent-syncs'];
  if (syncs !== undefined && !/^[1-9]\d*$/.test(syncs)) throw new Error(`--max-concurrent-syncs ${JSON.stringify(syncs)}: give a whole number more than 0`);
  const limits = {
    maxBodyBytes: bytes('max-body-bytes'),
    maxSyncBytes: bytes('max-sync-bytes'),
    maxJobBytes: bytes('max-job-bytes'),
    maxConcurrentSyncs: syncs === undefined ? undefined : Number(syncs),
    maxSyncCacheBytes: bytes('max-sync-cache-bytes'),
    maxPageBytes: bytes('max-page-bytes'),
  };
  // A job must fit in the bodies that carry it, or the job cap would never be the one that refuses.
  const job = limits.maxJobBytes ?? d.maxJobBytes;
  for (const [flag, body] of [['--max-body-bytes', limits.maxBodyBytes ?? d.maxBodyBytes], ['--max-sync-bytes', limits.maxSyncBytes ?? d.maxSyncBytes]] as const) {
    if (job > body) throw new Error(`--max-job-bytes (${formatBytes(job)}) must not be more than ${flag} (${formatBytes(body)}): the job would never fit in the request`);
  }
  return limits;
}
