/**
 * The Helios job descriptor: one TypeBox schema from which come the TypeScript types, the structural
 * validation and the JSON Schema that editors use for job files (`npm run build` writes
 * `dist/job.schema.json`). Semantic rules (charsets, port clashes, …) live in `model/validateJob.ts`.
 *
 * `Type.Object` marks a struct and `Type.Record` a map: the job id hash treats them differently
 * (empty fields of a struct are dropped, empty values of a map are kept).
 */
import { Type, type Static } from '@sinclair/typebox';
import { DEFAULT_SECONDS_TO_WAIT_BEFORE_KILL } from '../model/killWait.js';
import { REGISTRY_ACCOUNT_NAME } from './registry.js';

const StringMap = Type.Record(Type.String(), Type.String());

export const PortMappingSchema = Type.Object({
  ip: Type.Optional(Type.String({ description: 'Host address to publish on, e.g. 127.0.0.1' })),
  internalPort: Type.Integer({ description: 'Port inside the container' }),
  externalPort: Type.Optional(Type.Integer({ description: 'Port on the host; omitted = allocated dynamically' })),
  protocol: Type.Optional(Type.Union([Type.Literal('tcp'), Type.Literal('udp')], { default: 'tcp' })),
});
export type PortMapping = Static<typeof PortMappingSchema>;

export const ServicePortParametersSchema = Type.Object({
  tags: Type.Optional(Type.Array(Type.String())),
});

export const ServicePortsSchema = Type.Object({
  ports: Type.Record(Type.String(), ServicePortParametersSchema),
});

export const ResourcesSchema = Type.Object({
  memory: Type.Optional(Type.Integer({ description: 'Memory limit in bytes' })),
  memorySwap: Type.Optional(Type.Integer()),
  cpuShares: Type.Optional(Type.Integer()),
  cpuset: Type.Optional(Type.String()),
});
export type Resources = Static<typeof ResourcesSchema>;

export const HttpHealthCheckSchema = Type.Object({
  type: Type.Literal('http'),
  path: Type.String(),
  port: Type.String({ description: 'A port name from `ports`' }),
});
export const TcpHealthCheckSchema = Type.Object({
  type: Type.Literal('tcp'),
  port: Type.String({ description: 'A port name from `ports`' }),
});
export const ExecHealthCheckSchema = Type.Object({
  type: Type.Literal('exec'),
  command: Type.Array(Type.String()),
});
export const HealthCheckSchema = Type.Union([HttpHealthCheckSchema, TcpHealthCheckSchema, ExecHealthCheckSchema]);
export type HealthCheck = Static<typeof HealthCheckSchema>;

export const RolloutOptionsSchema = Type.Object({
  timeout: Type.Optional(Type.Integer()),
  parallelism: Type.Optional(Type.Integer()),
  migrate: Type.Optional(Type.Boolean()),
  overlap: Type.Optional(Type.Boolean()),
  token: Type.Optional(Type.String()),
  ignoreFailures: Type.Optional(Type.Boolean()),
  /** Ours, not Helios': seconds a host's task must stay RUNNING and healthy before the rollout moves on (default 0). */
  minHealthySeconds: Type.Optional(Type.Integer({ description: 'Seconds a host must stay RUNNING (and healthy) before a rolling update counts it done; default 0' })),
  /** Ours, not Helios': a failed rollout puts the hosts it touched back on the group's previous job. */
  autoRevert: Type.Optional(Type.Boolean({ description: "When a rolling update fails, roll the hosts it touched back to the group's previous job; default false" })),
});

/** The fields that make up a job's configuration; all of them feed the job id hash. */
export const jobConfigFields = {
  image: Type.String({ description: 'Docker image reference, e.g. busybox:latest' }),
  hostname: Type.Optional(Type.String()),
  command: Type.Optional(Type.Array(Type.String())),
  env: Type.Optional(StringMap),
  resources: Type.Optional(ResourcesSchema),
  ports: Type.Optional(Type.Record(Type.String(), PortMappingSchema)),
  registration: Type.Optional(Type.Record(Type.String(), ServicePortsSchema, { description: 'Keys are "service/protocol"' })),
  registrationDomain: Type.Optional(Type.String()),
  gracePeriod: Type.Optional(Type.Integer({ description: 'Seconds between unregistering and stopping' })),
  volumes: Type.Optional(Type.Record(Type.String(), Type.String(), { description: '"containerPath[:ro|rw]" → host path, named volume or "" (anonymous)' })),
  expires: Type.Optional(Type.String({ description: 'ISO 8601 date after which the master undeploys and removes the job' })),
  token: Type.Optional(Type.String()),
  healthCheck: Type.Optional(HealthCheckSchema),
  securityOpt: Type.Optional(Type.Array(Type.String())),
  networkMode: Type.Optional(Type.String({ description: 'bridge, host or container:<name|id>' })),
  metadata: Type.Optional(StringMap),
  addCapabilities: Type.Optional(Type.Array(Type.String())),
  dropCapabilities: Type.Optional(Type.Array(Type.String())),
  labels: Type.Optional(StringMap),
  secondsToWaitBeforeKill: Type.Optional(Type.Integer({ description: `Seconds a stopping container gets after SIGTERM before SIGKILL; default ${DEFAULT_SECONDS_TO_WAIT_BEFORE_KILL}` })),
  ramdisks: Type.Optional(StringMap),
  rolloutOptions: Type.Optional(RolloutOptionsSchema),
  runtime: Type.Optional(Type.String()),
  init: Type.Optional(Type.Boolean({ description: 'Run Docker\'s init (tini) as PID 1: it passes SIGTERM on and reaps zombies, so a command that ignores SIGTERM as PID 1 (busybox httpd, sleep) stops at once. Default false, as docker run and Helios' })),
};

/**
 * Fields of a job that are not part of its configuration as Helios hashes it, so they never change a
 * job id: the same Helios job has the same id with or without them (core/model/jobId.ts hashes
 * HashedJobSchema only). Choosing another account for a job is therefore a new version of it.
 */
export const unhashedJobFields = {
  registryAuth: Type.Optional(Type.String({ pattern: REGISTRY_ACCOUNT_NAME,
    description: "The master's registry account to pull the image with (helios registry login --name NAME); outside the job id hash" })),
};

/** What a client may send: an `id` of `name:version[:hash]`, or `name` and `version`. */
export const JobSpecSchema = Type.Object({
  id: Type.Optional(Type.String({ description: 'name:version, or name:version:hash' })),
  name: Type.Optional(Type.String()),
  version: Type.Optional(Type.String()),
  ...jobConfigFields,
  ...unhashedJobFields,
}, { $id: 'HeliosJob', title: 'Helios job' });
export type JobSpec = Static<typeof JobSpecSchema>;

/** The schema hashed for the job id: the config fields plus name and version, as Helios does. */
export const HashedJobSchema = Type.Object({
  name: Type.String(),
  version: Type.String(),
  ...jobConfigFields,
});
export type HashedJob = Static<typeof HashedJobSchema>;

/** Who declared a job or deployment: `cli`, `pulumi:<project>/<stack>`, `git:<source>` (or `pulumi`, from before stacks owned theirs). */
export type Owner = string;

/** A job as the master stores and returns it. */
export const JobSchema = Type.Object({
  id: Type.String(),
  ...jobConfigFields,
  command: Type.Array(Type.String()),
  env: StringMap,
  ports: Type.Record(Type.String(), PortMappingSchema),
  registration: Type.Record(Type.String(), ServicePortsSchema),
  ...unhashedJobFields,
  created: Type.Optional(Type.Integer({ description: 'Milliseconds since the epoch' })),
  creatingUser: Type.Optional(Type.String()),
  owner: Type.Optional(Type.String()),
});
export type Job = Static<typeof JobSchema>;

/** Keys a job file or request may carry; others are ignored with a warning. */
export const knownJobKeys = new Set([...Object.keys(JobSpecSchema.properties), 'created', 'creatingUser', 'owner']);
