/**
 * The one table from error code to HTTP status and CLI exit code. The master's error handler, the
 * client (which turns a response body back into the error) and the CLI all read it; a test keeps it
 * in step with the docs. Conflicts are 409, not 400 as in Helios.
 */
export const errorCodes = {
  INVALID_REQUEST: { http: 400, exit: 1, doc: 'The request body or a parameter is malformed; the message names the field.' },
  INVALID_JOB_DEFINITION: { http: 400, exit: 1, doc: 'The job breaks one or more rules; `errors` lists each with its field path.' },
  UNAUTHORIZED: { http: 401, exit: 1, doc: 'The master needs a bearer token (HELIOS_TOKEN) and none or a wrong one was given.' },
  FORBIDDEN: { http: 403, exit: 1, doc: "The token's role may not do this (the message names the role needed), a privileged job field needs an admin token, or the job's own token was not presented (--token)." },
  NOT_FOUND: { http: 404, exit: 1, doc: 'No such endpoint.' },
  JOB_NOT_FOUND: { http: 404, exit: 1, doc: 'No job has that id.' },
  HOST_NOT_FOUND: { http: 404, exit: 1, doc: 'No host of that name has registered.' },
  JOB_NOT_DEPLOYED: { http: 404, exit: 1, doc: 'The job is not deployed on that host.' },
  SOURCE_NOT_FOUND: { http: 404, exit: 1, doc: 'No sync source of that name has reported.' },
  REGISTRY_ACCOUNT_NOT_FOUND: { http: 404, exit: 1, doc: 'No registry account of that name (or for that registry host); helios registry list shows them.' },
  DEPLOYMENT_GROUP_NOT_FOUND: { http: 404, exit: 1, doc: 'No deployment group of that name; helios list-deployment-groups shows them.' },
  JOB_ALREADY_EXISTS: { http: 409, exit: 1, doc: 'A job with that name and version but another configuration exists.' },
  DEPLOYMENT_GROUP_EXISTS: { http: 409, exit: 1, doc: 'A deployment group of that name exists with other host selectors; remove it first or choose another name.' },
  JOB_ALREADY_DEPLOYED: { http: 409, exit: 1, doc: 'The job is already deployed on that host.' },
  PORT_CONFLICT: { http: 409, exit: 1, doc: 'Another job deployed on the host uses the same static external port.' },
  STILL_IN_USE: { http: 409, exit: 1, doc: 'The job is still deployed on some hosts (or the sync source still owns jobs); undeploy or remove them first.' },
  HOST_STILL_IN_USE: { http: 409, exit: 1, doc: 'Jobs are still deployed on the host; undeploy them first.' },
  HOST_ID_MISMATCH: { http: 409, exit: 1, doc: 'Another live agent has registered under that host name.' },
  SYNC_ENTRY_UNKNOWN: { http: 409, exit: 1, doc: 'A sync request named entries by digest that the master does not have; the syncer sends them in full.' },
  SOURCE_MISMATCH: { http: 409, exit: 1, doc: 'The sync source is registered to another repository, branch or path; give the syncer its own --name.' },
  CLUSTER_MISMATCH: { http: 409, exit: 1, doc: 'The agent belongs to another cluster than this master; check the address, or start the agent with --join-new-cluster.' },
  AMBIGUOUS_REGISTRY_ACCOUNT: { http: 409, exit: 1, doc: 'Several registry accounts are for that registry host (the message names them); give the name of one.' },
  GIT_OWNED: { http: 409, exit: 1, doc: 'Git owns this job or deployment; change the repo, or use --force (the next sync restores it).' },
  STACK_OWNED: { http: 409, exit: 1, doc: 'Another Pulumi stack owns this job or deployment (the message names it); change it from that stack, or drop it from this one with pulumi state delete.' },
  PAYLOAD_TOO_LARGE: { http: 413, exit: 1, doc: "The request body, or a job in it, is over the master's size limit; the message names the flag that sets it." },
  INCOMPATIBLE_CLIENT: { http: 426, exit: 1, doc: 'A Helios client of another major version (its Helios-Version header); this master speaks Helios 0.9.282: use a 0.x client.' },
  TOO_MANY_REQUESTS: { http: 429, exit: 1, doc: 'The client holds too many connections or blocking queries; retry after the Retry-After seconds.' },
  DATABASE_BUSY: { http: 503, exit: 1, doc: "The master's database is locked by another process (an sqlite3 shell, a VACUUM); nothing was written: retry after the Retry-After seconds." },
  DISK_FULL: { http: 507, exit: 1, doc: "The master's disk is full: writes fail and nothing is written, reads still work; the operator frees space, then writes succeed again." },
  STORAGE_ERROR: { http: 503, exit: 1, doc: 'The master cannot use its database (an I/O error, a read-only or damaged file; the message says which); the master log has the details, helios-master check tests the file.' },
  SECRETS_UNAVAILABLE: { http: 503, exit: 1, doc: 'The master cannot seal or open registry secrets: its --secrets-key-file is missing, unreadable, or not the key they were sealed with (the message says which).' },
  AGENT_NOT_CONNECTED: { http: 503, exit: 1, doc: "The host's agent has no channel to this master (it is down, or was not given this master's address), so its logs and exec cannot be reached." },
  CONTAINER_NOT_FOUND: { http: 404, exit: 1, doc: 'The task has no container on the host (not created yet, or removed), or none running for exec.' },
  UNKNOWN_JOB: { http: 404, exit: 1, doc: 'No job matches the reference.' },
  AMBIGUOUS_JOB_REFERENCE: { http: 409, exit: 1, doc: 'Several jobs match the reference; give more of the id.' },
  AMBIGUOUS_HOST: { http: 409, exit: 1, doc: 'A host name given to the CLI is the prefix of several hosts (the message lists them); give more of the name.' },
  SERVER_BUSY: { http: 503, exit: 1, doc: 'The master is handling as many requests of this kind as its flag allows (the message names it); retry after the Retry-After seconds.' },
  MASTER_UNREACHABLE: { http: 503, exit: 1, doc: 'The client cannot reach the master (set -z or HELIOS_MASTER), or cannot verify its TLS certificate (give its CA with --ca); the message says which.' },
  TASK_FAILED: { http: 502, exit: 1, doc: "A task being waited for (helios/zx's waitFor) FAILED or is throttled (FLAPPING, IMAGE_MISSING, IMAGE_PULL_FAILED); the message names the host and why. Raised by the client, never sent by the master." },
  WAIT_TIMED_OUT: { http: 504, exit: 1, doc: "A wait (helios/zx's waitFor, a rolling update's, the Pulumi DeploymentGroup's timeoutSeconds) ran out of time; the message says what each host was still doing, e.g. a failing health check. Raised by the client." },
  ROLLOUT_FAILED: { http: 502, exit: 1, doc: "A rolling update waited for by a client (helios/zx, the Pulumi DeploymentGroup) ended FAILED or STOPPED; the message is the rollout's error, and whether it was reverted. Raised by the client." },
  SCRIPT_FAILED: { http: 500, exit: 1, doc: 'A script run by helios run threw something other than a HeliosError (a failed $ command, a bug of its own); the message says where, -v shows the stack.' },
  INVALID_ARGUMENT: { http: 400, exit: 1, doc: 'A command-line argument is malformed.' },
  INTERNAL_ERROR: { http: 500, exit: 1, doc: 'A bug in the master; the log has the details.' },
} as const satisfies Record<string, { http: number; exit: number; doc: string }>;

export type ErrorCode = keyof typeof errorCodes;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCodes, value);
}
