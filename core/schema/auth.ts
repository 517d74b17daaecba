import type { AdmissionPolicy } from '../model/admission.js';

/** A token's role (see master/auth/access.ts for what each may call). */
export const roles = ['read', 'deploy', 'agent', 'admin', 'sync', 'exec'] as const;
export type Role = (typeof roles)[number];

/** `GET /whoami`: who the master takes the caller for, and what its jobs may ask of a host. */
export interface Whoami {
  /** The token's name in the master's token file; `anonymous` when the master has none. */
  name: string;
  role: Role;
  /** A sync token's sources. */
  sources?: string[];
  /** An agent token's host (bound in the token file, or the client certificate's CN). */
  host?: string;
  anonymous: boolean;
  /** The cluster the master's database belongs to (also the `Helios-Cluster-Id` header of every answer). */
  clusterId: string;
  /**
   * The privileged fields the caller's jobs may use: the master's policy, or null for an admin token
   * (anything goes). Clients check jobs against it before sending (core's `privilegedFields`).
   */
  admission: AdmissionPolicy | null;
}

/**
 * What a write changed, as the audit log records it (`reap`: the master's reapers, token `master`;
 * `registry-login`/`registry-logout`: a registry account, named in detail with its host and user, never its secret;
 * the deployment-group actions name the group in detail; `exec`: a command run in a task's container, in detail with its tty and stdin; a rollout's own deploys and undeploys are recorded with token `rollout N`).
 */
export const auditActions = ['create', 'remove', 'deploy', 'undeploy', 'set-goal', 'register', 'deregister', 'sync', 'reap', 'registry-login', 'registry-logout',
  'create-deployment-group', 'update-deployment-group', 'remove-deployment-group', 'rolling-update', 'stop-deployment-group', 'exec'] as const;
export type AuditAction = (typeof auditActions)[number];

/** One write made through the API: who (the token's name, and the user its client named), what, where. */
export interface AuditEvent {
  /** Insertion order; `GET /audit?before=` pages by it. */
  seq: number;
  timestamp: number;
  /** The token's name (`anonymous` without a token file). */
  token: string;
  /** The user the client said it runs as (`Helios-User`, not verified). */
  user: string | null;
  action: AuditAction;
  jobId?: string;
  host?: string;
  source?: string;
  /** e.g. the goal of a deploy, the commit and the number of actions of a sync. */
  detail?: Record<string, unknown>;
}
