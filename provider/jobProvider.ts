import type { dynamic } from '@pulumi/pulumi';
import type { JobSpec } from '../core/schema/job.js';
import type { JobInputs, JobOutputs } from './types.js';
import { loadCore, type Core } from './loadCore.js';
import { pickJobFields } from './jobFields.js';
import { jobCheckFailures } from './jobFailures.js';
import { admissionFailures } from './admissionFailures.js';
import { compareJobs } from './compareJobs.js';
import { claimantOf, isNotFound, masterClient, settingsFromConfig, type MasterClient, type MasterSettings } from './masterClient.js';
import { ownedByThisStack, withOwnerChange, type Claimant } from './ownership.js';

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
      Object.assign(settings, await settingsFromConfig(req.config));
    },

    async check(_olds, news) {
      const inputs = news as unknown as Record<string, unknown>;
      // Preview must stay quick with a master that does not answer: the create asks again anyway.
      const whoami = async () => (await masterClient(settings, news.owner, { timeoutMs: 5_000 })).whoami();
      const failures = [...await jobCheckFailures(inputs), ...await admissionFailures(inputs, whoami)];
      return { inputs: news, failures };
    },

    async diff(_id, olds, news) {
      return withOwnerChange(await compareJobs(olds as unknown as Record<string, unknown>, news as unknown as Record<string, unknown>), olds, news);
    },

    async create(inputs) {
      const core = await loadCore();
      const helios = await masterClient(settings, inputs.owner);
      const spec = pickJobFields(core, inputs as unknown as Record<string, unknown>);
      try {
        const { id } = await helios.jobs.create(spec as JobSpec);
        return { id, outs: { ...inputs, jobId: id } };
      } catch (err) {
        // A create whose answer was lost (a timeout, a dropped connection) left the job on the master
        // but not in the state: the retry adopts it when it is this very job and this stack's own.
        const adopted = await adoptableJob(core, helios, err, spec, claimantOf(settings, inputs.owner));
        if (!adopted) throw err;
        return { id: adopted, outs: { ...inputs, jobId: adopted } };
      }
    },

    async update(id, _olds, news) {
      // Only the owner changes in place (any job field replaces the job, see diff): the state takes
      // this stack's once the master's owner says it may.
      const core = await loadCore();
      const helios = await masterClient(settings, news.owner);
      const job = await helios.jobs.get(id);
      ownedByThisStack(core, `job ${id}`, job.owner, claimantOf(settings, news.owner));
      return { outs: { ...news, jobId: job.id } };
    },

    async read(id, props) {
      const core = await loadCore();
      const helios = await masterClient(settings, props?.owner);
      let job;
      try {
        job = await helios.jobs.get(id);
      } catch (err) {
        if (isNotFound(err)) return {};
        throw err;
      }
      if (props) return { id: job.id, props: { ...props, jobId: job.id } };
      // `pulumi import`: rebuild the inputs from what the master stores. The token stays out: the state
      // would hold it in plain text; a program that needs it gives it (as a secret). What a stack owns
      // is not imported elsewhere (its own stack adopts it by declaring it); no stack is known here.
      ownedByThisStack(core, `job ${job.id}`, job.owner, claimantOf(settings, undefined));
      const parts = core.parseJobId(job.id)!;
      const spec = core.jobToSpec(job);
      const { id: _id, token: _token, ...fields } = spec;
      return { id: job.id, props: { ...fields, name: parts.name, version: parts.version, jobId: job.id } as JobOutputs };
    },

    async delete(id, props) {
      const core = await loadCore();
      const helios = await masterClient(settings, props.owner);
      try {
        const job = await helios.jobs.get(id);
        ownedByThisStack(core, `job ${id}`, job.owner, claimantOf(settings, props.owner));
        await helios.jobs.remove(id, { token: props.token });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },
  };
}

/**
 * The id of the job the master already has, when `err` says it exists with this very spec and this
 * stack owns it; STACK_OWNED when another stack does.
 */
async function adoptableJob(core: Core, helios: MasterClient, err: unknown, spec: Record<string, unknown>, claimant: Claimant): Promise<string | null> {
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
  return ownedByThisStack(core, `job ${job.id}`, job.owner, claimant) ? job.id : null;
}

/** The provider every `Job` resource uses (one object, so Pulumi serializes it once). */
export const jobProvider = createJobProvider();
