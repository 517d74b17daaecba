/** A GitOps job file: the job fields (no id) plus an optional `deploy` block. */
import { Type, type Static } from '@sinclair/typebox';
import { jobConfigFields, unhashedJobFields } from './job.js';
import { MAX_DEPLOY_HOSTS } from '../model/limits.js';

export const DeployBlockSchema = Type.Object({
  hosts: Type.Array(Type.String(), { description: 'Hosts (agent names) to run on', maxItems: MAX_DEPLOY_HOSTS }),
  goal: Type.Optional(Type.Union([Type.Literal('START'), Type.Literal('STOP')], { default: 'START' })),
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
