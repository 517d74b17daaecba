import type { dynamic } from '@pulumi/pulumi';
import type { DeploymentGroupInputs, DeploymentGroupOutputs } from './types.js';
import { isNotFound, masterClient, settingsFromConfig, type MasterClient, type MasterSettings } from './masterClient.js';
import { withOwnerChange } from './ownership.js';
import { initFailure } from './initFailure.js';
import { loadCore } from './loadCore.js';
import { containsUnknown } from './unknowns.js';
import { deploymentGroupFailures } from './deploymentGroupFailures.js';

export const DEFAULT_ROLLOUT_WAIT_SECONDS = 600;
/** How often the wait looks at the group: the master moves on at once, as rolling-update's 250 ms. */
const POLL_MS = 250;

/**
 * The dynamic provider of `DeploymentGroup`: a group of the master and the job it rolls out.
 *
 *   create: create the group (the same name and selectors there already: taken over, as Helios'
 *     NOT_MODIFIED), then with a job a rolling update, waited for
 *   update: a new job (or a group that is not ACTIVE on its job) is a rolling update with
 *     `rolloutOptions`, waited for: FAILED fails `pulumi up` with the rollout's error, and the state
 *     keeps the old job, so the next `up` rolls out again; options and the wait change in place
 *   delete: remove the group and undeploy its job where the group deployed it (so the Job can go)
 *   read: gone when the master has no such group
 *
 * The resource id is the group's name; another name or other selectors replace it, delete first.
 */
export function createDeploymentGroupProvider(): dynamic.ResourceProvider<DeploymentGroupInputs, DeploymentGroupOutputs> {
  const settings: MasterSettings = {};
  return {
    async configure(req) {
      Object.assign(settings, await settingsFromConfig(req.config));
    },

    async check(_olds, news) {
      const failures = await deploymentGroupFailures(news as unknown as Record<string, unknown>);
      return { inputs: { ...news, timeoutSeconds: news.timeoutSeconds ?? DEFAULT_ROLLOUT_WAIT_SECONDS }, failures };
    },

    async diff(_id, olds, news) {
      const differs = (key: keyof DeploymentGroupInputs) => containsUnknown(news[key]) || JSON.stringify(olds[key]) !== JSON.stringify(news[key]);
      const replaces = (['name', 'hostSelectors'] as const).filter(differs);
      // A group that did not end ACTIVE on its job (a failed create) rolls out again.
      const updates = (['job', 'rolloutOptions', 'timeoutSeconds'] as const).filter((key) => differs(key) || (key === 'job' && news.job !== undefined && olds.status !== 'ACTIVE'));
      const result: dynamic.DiffResult = replaces.length > 0 ? { changes: true, replaces, deleteBeforeReplace: true }
        : updates.length > 0 ? { changes: true, replaces: [] } : { changes: false };
      return withOwnerChange(result, olds, news);
    },

    async create(inputs) {
      const core = await loadCore();
      const helios = await masterClient(settings, inputs.owner);
      await helios.deploymentGroups.create({ name: inputs.name, hostSelectors: inputs.hostSelectors.map((text) => core.parseHostSelector(text)) });
      if (inputs.job === undefined) return { id: inputs.name, outs: await groupOutputs(helios, inputs, null) };
      try {
        return { id: inputs.name, outs: await rollOut(helios, inputs) };
      } catch (err) {
        // The group exists: the state must keep it, so the next `up` rolls out again or deletes it.
        const reason = err instanceof Error ? err.message : String(err);
        throw initFailure(reason, inputs.name, await groupOutputs(helios, inputs, null) as unknown as Record<string, unknown>, [reason]);
      }
    },

    async update(_id, olds, news) {
      const helios = await masterClient(settings, news.owner);
      const current = await helios.deploymentGroups.status(news.name);
      const needed = news.job !== undefined && (news.job !== olds.job || current.deploymentGroup.jobId !== news.job || current.status !== 'ACTIVE');
      return { outs: needed ? await rollOut(helios, news) : await groupOutputs(helios, news, olds.rolloutId) };
    },

    async read(id, props) {
      const core = await loadCore();
      const helios = await masterClient(settings, props?.owner);
      try {
        const group = await helios.deploymentGroups.get(id);
        const inputs: DeploymentGroupInputs = {
          timeoutSeconds: DEFAULT_ROLLOUT_WAIT_SECONDS, ...props,
          name: group.name, hostSelectors: group.hostSelectors.map((s) => core.formatHostSelector(s)),
          ...(group.jobId === undefined ? {} : { job: group.jobId }),
        };
        return { id, props: await groupOutputs(helios, inputs, props?.rolloutId ?? null) };
      } catch (err) {
        if (isNotFound(err)) return {};
        throw err;
      }
    },

    async delete(id, props) {
      const helios = await masterClient(settings, props.owner);
      const jobId = await helios.deploymentGroups.get(id).then((g) => g.jobId, (err: unknown) => {
        if (isNotFound(err)) return undefined;
        throw err;
      });
      try {
        await helios.deploymentGroups.remove(id);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      for (const job of new Set([jobId, props.job].filter((j): j is string => j !== undefined))) await undeployGroupsJob(helios, id, job);
    },
  };
}

/** Starts a rolling update of the group to its `job` and waits for it to end: DONE, or an Error with the rollout's. */
async function rollOut(helios: MasterClient, inputs: DeploymentGroupInputs): Promise<DeploymentGroupOutputs> {
  const core = await loadCore();
  const { name, job } = inputs;
  const started = await helios.deploymentGroups.rollingUpdate(name, { job: job!, rolloutOptions: inputs.rolloutOptions ?? null });
  const timeoutSeconds = inputs.timeoutSeconds ?? DEFAULT_ROLLOUT_WAIT_SECONDS;
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const record = (await helios.deploymentGroups.history(name)).rollouts.find((r) => r.id === started.rolloutId);
    if (!record) throw new core.HeliosError('ROLLOUT_FAILED', `rollout ${started.rolloutId} is not in the history of deployment group ${name}`, { deploymentGroup: name });
    if (record.outcome === 'DONE') return groupOutputs(helios, inputs, record.id);
    if (record.outcome !== 'ROLLING_OUT') {
      const reverted = record.reverted && record.previousJobId ? ` (reverted: the hosts it touched run ${record.previousJobId} again)` : '';
      throw new core.HeliosError('ROLLOUT_FAILED', `rolling update ${record.id} of deployment group ${name} to ${job} ended ${record.outcome}: ${record.error ?? 'no error given'}${reverted}`,
        { deploymentGroup: name, rolloutId: record.id, errorCode: record.errorCode, reverted: record.reverted });
    }
    if (Date.now() > deadline) {
      throw new core.HeliosError('WAIT_TIMED_OUT', `rolling update ${record.id} of deployment group ${name} to ${job} still rolling out after ${timeoutSeconds} s (timeoutSeconds); `
        + `it goes on: helios deployment-group-status ${name}`, { deploymentGroup: name, rolloutId: record.id });
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function groupOutputs(helios: MasterClient, inputs: DeploymentGroupInputs, rolloutId: number | null): Promise<DeploymentGroupOutputs> {
  const status = await helios.deploymentGroups.status(inputs.name);
  const latest = rolloutId ?? (await helios.deploymentGroups.history(inputs.name)).rollouts[0]?.id ?? null;
  return {
    ...inputs,
    timeoutSeconds: inputs.timeoutSeconds ?? DEFAULT_ROLLOUT_WAIT_SECONDS,
    status: status.status,
    rolloutId: latest,
    hosts: status.hostStatuses.filter((h) => h.jobId !== null && h.jobId === status.deploymentGroup.jobId).map((h) => h.host),
  };
}

/** Undeploys `jobId` from every host where group `group` deployed it. */
async function undeployGroupsJob(helios: MasterClient, group: string, jobId: string): Promise<void> {
  let deployments: Record<string, { deploymentGroupName?: string }>;
  try {
    deployments = (await helios.jobs.status(jobId)).deployments;
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  for (const [host, deployment] of Object.entries(deployments)) {
    if (deployment.deploymentGroupName !== group) continue;
    await helios.deployments.undeploy(host, jobId).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }
}

/** The provider every `DeploymentGroup` resource uses. */
export const deploymentGroupProvider = createDeploymentGroupProvider();
