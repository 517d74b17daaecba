import { HeliosError, invalidJob, jobBytes } from '../../core/index.js';
import { formatBytes } from './byteSize.js';

/**
 * The JSON bytes of a job spec (core's `jobBytes`), checked against --max-job-bytes: over it is
 * PAYLOAD_TOO_LARGE naming the flag; a spec nested too deeply to serialize is INVALID_JOB_DEFINITION.
 * POST /jobs and every sync entry built (plan/buildCache.ts) go through here.
 */
export function checkJobSize(spec: unknown, maxJobBytes: number): number {
  let bytes: number;
  try {
    bytes = jobBytes(spec);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    throw invalidJob([{ path: '', message: 'the job is nested too deeply to be written as JSON' }]);
  }
  if (bytes > maxJobBytes) {
    throw new HeliosError('PAYLOAD_TOO_LARGE', `the job is ${formatBytes(bytes)} as JSON, over the master's --max-job-bytes (${formatBytes(maxJobBytes)})`,
      { limit: '--max-job-bytes', bytes, maxBytes: maxJobBytes });
  }
  return bytes;
}
