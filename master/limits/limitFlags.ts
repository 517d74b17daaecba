/** helios-master's flags for limits/: parseArgs options, usage lines, and values → MasterLimits. */
import { parseDuration } from '../../core/model/duration.js';
import { defaults, type MasterLimits } from '../options.js';

const d = defaults.limits;
const seconds = (ms: number) => `${ms / 1000}s`;

export const limitUsage = `  Limits (per client: per address, but 127.0.0.1 and ::1, which every local process shares, count
  only in --max-conns and per token):
  --headers-timeout DUR   a request's headers (and a TLS handshake) within this (default ${seconds(d.headersTimeoutMs)})
  --request-timeout DUR   the whole request, headers and body, within this; a blocking query waits
                          after it is read, so it is not cut (default ${seconds(d.requestTimeoutMs)})
  --idle-timeout DUR      close a keep-alive connection idle this long (default ${seconds(d.idleTimeoutMs)})
  --max-conns N           open connections in all; past it new ones are dropped (default ${d.maxConnections})
  --max-conns-per-client N
                          open connections per client; past it 429 (default ${d.maxConnectionsPerClient})
  --max-blocking-per-client N
                          blocking queries waiting at once per client; past it 429 (default ${d.maxBlockingPerClient})
  --max-blocking-per-token N
                          the same per token name; agents may share one (default ${d.maxBlockingPerToken})
  --pattern-timeout DUR   longest a namePattern or hostPattern (an RE2 regular expression) may take
                          to match the host names; past it 400 (default ${seconds(d.patternTimeoutMs)})`;

export const limitOptions = {
  'headers-timeout': { type: 'string' },
  'request-timeout': { type: 'string' },
  'idle-timeout': { type: 'string' },
  'max-conns': { type: 'string' },
  'max-conns-per-client': { type: 'string' },
  'max-blocking-per-client': { type: 'string' },
  'max-blocking-per-token': { type: 'string' },
  'pattern-timeout': { type: 'string' },
} as const;

type LimitValues = { [K in keyof typeof limitOptions]?: string };

function positive(text: string | undefined, flag: string, parse: (t: string) => number): number | undefined {
  if (text === undefined) return undefined;
  const value = parse(text);
  if (!(value > 0)) throw new Error(`--${flag} ${JSON.stringify(text)}: it must be more than 0`);
  return value;
}

const count = (text: string, flag: string) => {
  if (!/^\d+$/.test(text)) throw new Error(`--${flag} ${JSON.stringify(text)}: give a whole number`);
  return Number(text);
};

/** The limits given on the command line; the others keep their defaults. */
export function parseLimitFlags(values: LimitValues): Partial<MasterLimits> {
  const duration = (flag: keyof LimitValues) => positive(values[flag], flag, (t) => parseDuration(t, `--${flag}`));
  const number = (flag: keyof LimitValues) => positive(values[flag], flag, (t) => count(t, flag));
  const limits = {
    headersTimeoutMs: duration('headers-timeout'),
    requestTimeoutMs: duration('request-timeout'),
    idleTimeoutMs: duration('idle-timeout'),
    maxConnections: number('max-conns'),
    maxConnectionsPerClient: number('max-conns-per-client'),
    maxBlockingPerClient: number('max-blocking-per-client'),
    maxBlockingPerToken: number('max-blocking-per-token'),
    patternTimeoutMs: duration('pattern-timeout'),
  };
  // Node refuses a headers timeout longer than the request timeout.
  const headers = limits.headersTimeoutMs ?? d.headersTimeoutMs;
  const request = limits.requestTimeoutMs ?? d.requestTimeoutMs;
  if (headers > request) throw new Error(`--headers-timeout (${seconds(headers)}) must not be longer than --request-timeout (${seconds(request)})`);
  return limits;
}
