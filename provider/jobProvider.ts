import type { dynamic } from '@pulumi/pulumi';
import type { JobInputs, JobOutputs } from './types.js';
import { loadCore, type Core } from './loadCore.js';
import { pickJobFields } from './jobFields.js';
import { jobCheckFailures } from './jobFailures.js';
import { compareJobs } from './compareJobs.js';
import { isNotFound, masterClient, settingsFromConfig, type MasterClient, type MasterSettings } from './masterClient.js';

/**
 * The dynamic provider of `Job`. Pulumi serializes this object into the stack's state and calls it
 * from another process, so: no top-level I/O, no captured clients, and no helper named like a method.
 * The resource id is the job id, `name:version:hash`.
 */
export function createJobProvider(): dynamic.ResourceProvider<JobInputs, JobOutputs> {
  // Filled by `configure` in the process that runs the provider; shared by the methods below.
  const settings: MasterSettings = {};
  return {
    async configure(req) {
      Object.assign(settings, settingsFromConfig(req.config));
    },

    async check(_olds, news) {
      const failures = await jobCheckFailures(news as unknown as Record<string, unknown>);
      return { inputs: news, failures };
    },

    async diff(_id, olds, news) {
      return compareJobs(olds as unknown as Record<string, unknown>, news as unknown as Record<string, unknown>);
    },

    async create(inputs) {
      const core = await loadCore();
      const helios = await masterClient(settings);
      const spec = pickJobFields(core, inputs as unknown as Record<string, unknown>);
      try {
        const { id } = await helios.jobs.create(spec as JobInputs);
        return { id, outs: { ...inputs, jobId: id } };
      } catch (err) {
        // A create whose answer was lost (a timeout, a dropped connection) left the job on the master
        // but not in the state: the retry adopts it when it is this very job and Pulumi's own.
        const adopted = await sameJobOwnedByPulumi(core, helios, err, spec);
        if (!adopted) throw err;
        return { id: adopted, outs: { ...inputs, jobId: adopted } };
      }
    },

    async read(id, props) {
      const core = await loadCore();
      const helios = await masterClient(settings);
      let job;
      try {
        job = await helios.jobs.get(id);
      } catch (err) {
        if (isNotFound(err)) return {};
        throw err;
      }
      if (props) return { id: job.id, props: { ...props, jobId: job.id } };
      // `pulumi import`: rebuild the inputs from what the master stores. The token stays out: the state
      // would hold it in plain text; a program that needs it gives it (as a secret).
      const parts = core.parseJobId(job.id)!;
      const spec = core.jobToSpec(job);
      const { id: _id, token: _token, ...fields } = spec;
      return { id: job.id, props: { ...fields, name: parts.name, version: parts.version, jobId: job.id } as JobOutputs };
    },

    async delete(id, props) {
      const helios = await masterClient(settings);
      try {
        await helios.jobs.remove(id, { token: props.token });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },
  };
}

/** The id of the job the master already has, when `err` says it exists with this spec and owner `pulumi`. */
async function sameJobOwnedByPulumi(core: Core, helios: MasterClient, err: unknown, spec: Record<string, unknown>): Promise<string | null> {
  const existing = (err as { code?: string; data?: { id?: unknown } }).code === 'JOB_ALREADY_EXISTS' ? (err as { data: { id?: unknown } }).data.id : undefined;
  if (typeof existing !== 'string') return null;
  let wanted: string;
  try {
    wanted = core.buildJob(spec).job.id;
  } catch {
    return null;
  }
  if (wanted !== existing) return null;
  const job = await helios.jobs.get(existing);
  return job.owner === 'pulumi' ? job.id : null;
}

/** The provider every `Job` resource uses (one object, so Pulumi serializes it once). */
export const jobProvider = createJobProvider();
