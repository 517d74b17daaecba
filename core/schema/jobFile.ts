/** A GitOps job file: the job fields (no id) plus an optional `deploy` block. */
import { Type, type Static } from '@sinclair/typebox';
import { RolloutOptionsSchema, jobConfigFields, unhashedJobFields } from './job.js';
import { MAX_DEPLOY_HOSTS } from '../model/limits.js';

/**
 * Where the job runs: named hosts (`hosts`, `goal`), or a deployment group (`group`, with `selector`
 * to declare the group in git and `rollout` for the rolling update a new version starts).
 */
export const DeployBlockSchema = Type.Object({
  hosts: Type.Optional(Type.Array(Type.String(), { description: 'Hosts (agent names) to run on', maxItems: MAX_DEPLOY_HOSTS })),
  goal: Type.Optional(Type.Union([Type.Literal('START'), Type.Literal('STOP')], { default: 'START' })),
  group: Type.Optional(Type.String({ description: 'A deployment group to roll the job out to (instead of hosts): each new version is a rolling update of the group' })),
  selector: Type.Optional(Type.Array(Type.String(), { maxItems: 100,
    description: 'With group: the host selectors of a group this file declares, e.g. ["role=web"] (the group is created, changed and removed with the file)' })),
  rollout: Type.Optional(Type.Object(RolloutOptionsSchema.properties, { description: "With group: the rolling update's options (before the job's rolloutOptions and the defaults); not part of the job id" })),
});
export type DeployBlock = Static<typeof DeployBlockSchema>;

export const JobFileSchema = Type.Object({
  name: Type.String({ description: 'Job name: letters, digits, - _ .' }),
  version: Type.String({ description: 'Job version: letters, digits, - _ .' }),
  ...jobConfigFields,
  ...unhashedJobFields,
  deploy: Type.Optional(DeployBlockSchema),
}, { title: 'Helios job file', description: 'One job per file under jobs/, in YAML or JSON' });
export type JobFile = Static<typeof JobFileSchema>;
