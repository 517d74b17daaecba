import { DEFAULT_MAX_JOB_BYTES, DEFAULT_MAX_SYNC_BYTES } from '../../core/model/limits.js';

/** The sizes job files and a commit are held to; past one, the file (or the commit) is an error of its own. */
export interface ManifestLimits {
  /** A job file's bytes, and its value once YAML aliases are expanded (`--max-file-bytes`). */
  maxFileBytes: number;
  /** A job spec as JSON, env and metadata included (`--max-job-bytes`; the master's default cap). */
  maxJobBytes: number;
  /** A commit's whole desired set as JSON, as the master's `--max-sync-bytes` takes it (`--max-sync-bytes`). */
  maxSyncBytes: number;
}

/** A job file is a few hundred bytes: 1 MiB leaves room for long env blocks and keeps a pass's memory small. */
export const defaultManifestLimits: ManifestLimits = {
  maxFileBytes: 1024 * 1024, maxJobBytes: DEFAULT_MAX_JOB_BYTES, maxSyncBytes: DEFAULT_MAX_SYNC_BYTES,
};
