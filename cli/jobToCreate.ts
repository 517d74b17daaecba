import type { HeliosClient } from '../core/client/createClient.js';
import type { Job, JobSpec } from '../core/schema/job.js';
import type { FlagValue } from './command.js';
import { createSpec } from './createSpec.js';
import { readJobFile } from './jobFile.js';
import { resolveJob } from './resolveJob.js';

/** Where a job to create starts from: `create`'s -t TEMPLATE, then -f FILE (or a spec given whole, as helios/zx's `create` takes one). */
export interface JobSource {
  template?: string;
  file?: string;
  spec?: JobSpec;
}

/**
 * The built job `create` sends (its id computed here exactly as the master computes it) and the
 * warnings worth saying: the template's configuration, then the file's or the spec's fields, then the
 * command line's (createSpec.ts: NAME:VERSION IMAGE, flags, the command after `--`, GIT_COMMIT).
 * `client` is asked for only with a template.
 */
export async function jobToCreate(client: () => Promise<HeliosClient>, from: JobSource,
  line: { positionals: string[]; flags: Record<string, FlagValue>; rest: string[]; env: NodeJS.ProcessEnv }): Promise<{ job: Job; warnings: string[] }> {
  let base = {} as JobSpec;
  if (from.template !== undefined) {
    const { job } = await resolveJob(await client(), from.template);
    const { created: _c, creatingUser: _u, owner: _o, ...config } = job;
    base = config;
  }
  if (from.file !== undefined) base = { ...base, ...(await readJobFile(from.file)) };
  if (from.spec !== undefined) base = { ...base, ...from.spec };
  const { spec, warnings } = createSpec(base, line.positionals, line.flags, line.rest, line.env);
  const { buildJob } = await import('../core/model/buildJob.js');
  const built = buildJob(spec);
  return { job: built.job, warnings: [...warnings, ...built.warnings] };
}
