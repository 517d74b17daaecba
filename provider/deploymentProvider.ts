import type { dynamic } from '@pulumi/pulumi';
import type { Job } from '../core/schema/job.js';
import type { DeploymentGoal, DeploymentInputs, DeploymentOutputs } from './types.js';
import { deploymentCheckFailures } from './deploymentFailures.js';
import { compareDeployments } from './compareDeployments.js';
import { describeTask, waitForTask, type TaskWait } from './waitForTask.js';
import { initFailure } from './initFailure.js';
import { claimantOf, isNotFound, masterClient, settingsFromConfig, type MasterClient, type MasterSettings } from './masterClient.js';
import { ownedByThisStack, withOwnerChange } from './ownership.js';
import { loadCore } from './loadCore.js';

export const DEFAULT_TIMEOUT_SECONDS = 120;

/**
 * The dynamic provider of `Deployment`: the job `job` on the agent `host`, with a goal.
 *
 *   create ─► deployed (goal START) ─► wait for RUNNING ─► done
 *                                 └─► timeout ─► "created but failed to initialise" (state, throttle, error)
 *   update: set goal (START waits again) · delete: undeploy · read: gone when the master has no such deployment
 *
 * The resource id is `<host>/<job id>`.
 */
export function createDeploymentProvider(): dynamic.ResourceProvider<DeploymentInputs, DeploymentOutputs> {
  const settings: MasterSettings = {};
  return {
    async configure(req) {
      Object.assign(settings, await settingsFromConfig(req.config));
    },

    async check(_olds, news) {
      const failures = deploymentCheckFailures(news as unknown as Record<string, unknown>);
      const inputs = { ...news, goal: news.goal ?? 'START', timeoutSeconds: news.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS };
      return { inputs, failures };
    },

    async diff(_id, olds, news) {
      return withOwnerChange(compareDeployments(olds as unknown as Record<string, unknown>, news as unknown as Record<string, unknown>), olds, news);
    },

    async create(inputs) {
      const helios = await masterClient(settings, inputs.owner);
      const job = await helios.jobs.get(inputs.job);
      const goal: DeploymentGoal = inputs.goal ?? 'START';
      try {
        await helios.deployments.deploy(inputs.host, job.id, { goal, token: inputs.token });
      } catch (err) {
        // A deploy whose answer was lost left the deployment on the master but not in the state: the
        // retry takes it over when it is this stack's own, with this resource's goal.
        if ((err as { code?: string }).code !== 'JOB_ALREADY_DEPLOYED') throw err;
        if (!(await ownsDeployment(helios, settings, inputs.host, job.id, inputs.owner))) throw err;
        await helios.deployments.setGoal(inputs.host, job.id, goal, { token: inputs.token });
      }
      const id = `${inputs.host}/${job.id}`;
      return { id, outs: await settle(helios, id, inputs, job, goal) };
    },

    async update(id, olds, news) {
      const helios = await masterClient(settings, news.owner);
      const job = await helios.jobs.get(olds.jobId);
      const goal: DeploymentGoal = news.goal ?? 'START';
      await ownsDeployment(helios, settings, news.host, job.id, news.owner);
      // Always sent (the master ignores a goal it already has): `olds` can be stale after a failed update.
      await helios.deployments.setGoal(news.host, job.id, goal, { token: news.token });
      return { outs: await settle(helios, id, news, job, goal) };
    },

    async read(id, props) {
      const helios = await masterClient(settings, props?.owner);
      const slash = id.indexOf('/');
      const host = props?.host ?? id.slice(0, slash);
      const jobId = props?.jobId ?? id.slice(slash + 1);
      try {
        const deployment = await helios.deployments.get(host, jobId);
        // `pulumi import`: what a stack owns is not imported elsewhere, as for a Job (no stack is known here).
        if (!props) ownedByThisStack(await loadCore(), describeDeployment(host, jobId), deployment.owner, claimantOf(settings, undefined));
        const job = await helios.jobs.get(jobId);
        const inputs: DeploymentInputs = { timeoutSeconds: DEFAULT_TIMEOUT_SECONDS, ...props, job: props?.job ?? jobId, host };
        const status = (await helios.jobs.status(jobId)).taskStatuses[host];
        return { id, props: outputsOf(inputs, job, deployment.goal === 'STOP' ? 'STOP' : 'START', { running: false, last: status }) };
      } catch (err) {
        if (isNotFound(err)) return {};
        throw err;
      }
    },

    async delete(_id, props) {
      const helios = await masterClient(settings, props.owner);
      try {
        await ownsDeployment(helios, settings, props.host, props.jobId, props.owner);
        await helios.deployments.undeploy(props.host, props.jobId, { token: props.token });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },
  };
}

/**
 * Whether the stack `owner` owns the deployment of `jobId` on `host`: false for one made outside
 * Pulumi (cli, git), STACK_OWNED for another stack's (see ownedByThisStack).
 */
async function ownsDeployment(helios: MasterClient, settings: MasterSettings, host: string, jobId: string, owner: string | undefined): Promise<boolean> {
  const existing = await helios.deployments.get(host, jobId);
  return ownedByThisStack(await loadCore(), describeDeployment(host, jobId), existing.owner, claimantOf(settings, owner));
}

const describeDeployment = (host: string, jobId: string) => `the deployment of ${jobId} on ${host}`;

/** After a deploy or a goal change: goal START waits for RUNNING, or fails with the task's last state. */
async function settle(helios: MasterClient, id: string, inputs: DeploymentInputs, job: Job, goal: DeploymentGoal): Promise<DeploymentOutputs> {
  if (goal !== 'START') return outputsOf(inputs, job, goal, { running: false });
  const timeoutSeconds = inputs.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  let wait: TaskWait;
  try {
    wait = await waitForTask(helios, job.id, inputs.host, timeoutSeconds * 1000);
  } catch (err) {
    // Deployed already: the state must keep the resource, so the next `up` updates or deletes it.
    const reason = `deployed ${job.id} on ${inputs.host}, but could not follow it to RUNNING: ${err instanceof Error ? err.message : String(err)}`;
    throw initFailure(reason, id, outputsOf(inputs, job, goal, { running: false }) as unknown as Record<string, unknown>, [reason]);
  }
  const outs = outputsOf(inputs, job, goal, wait);
  if (wait.running) return outs;
  const reason = `task of ${job.id} on ${inputs.host} did not reach RUNNING within ${timeoutSeconds} s: ${describeTask(wait.last)}`;
  throw initFailure(reason, id, outs as unknown as Record<string, unknown>, [reason]);
}

function outputsOf(inputs: DeploymentInputs, job: Job, goal: DeploymentGoal, wait: TaskWait): DeploymentOutputs {
  const staticExternalPorts = Object.values(job.ports ?? {})
    .map((port) => port.externalPort)
    .filter((port): port is number => typeof port === 'number' && port > 0);
  return {
    ...inputs,
    goal,
    timeoutSeconds: inputs.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
    jobId: job.id,
    staticExternalPorts,
    state: wait.last?.state ?? 'NONE',
    containerId: wait.last?.containerId ?? null,
    ports: wait.last?.ports ?? job.ports ?? {},
  };
}

/** The provider every `Deployment` resource uses. */
export const deploymentProvider = createDeploymentProvider();
