/**
 * Which principals may call which route: the one table of the master's authorisation. Every route
 * must be listed (installAuth refuses to start otherwise), so a new route is never open by omission.
 *
 *   public      anyone, without a token (a load balancer's health probe); such a route reveals nothing
 *   any         every authenticated principal (the agent and sync roles included)
 *   read        read, deploy, admin
 *   deploy      deploy, admin
 *   admin       admin
 *   exec        exec, admin (a shell in a production container: its own role, not implied by deploy)
 *   agent       the agent of the route's :host (an agent token bound to it, or unbound), or admin
 *   agent-read  the agent of :host, or read
 *   agent-self  the agent of :host only, not even admin (a registry secret, for that agent's pull); on a
 *               master without a token file every request is anonymous and may, as it may do anything
 *   sync        a sync token bound to the route's :name, or deploy
 *   sync-read   a sync token bound to :name, or read
 */
import type { Principal, Role } from './principal.js';

export type Access = 'public' | 'any' | 'read' | 'deploy' | 'admin' | 'exec' | 'agent' | 'agent-read' | 'agent-self' | 'sync' | 'sync-read';

export const routeAccess: Readonly<Record<string, Access>> = {
  'GET /healthz': 'public',
  'GET /version': 'any',
  'GET /version/check': 'any',
  'GET /whoami': 'any',
  'GET /masters': 'read',
  'GET /jobs': 'read',
  'POST /jobs': 'deploy',
  'GET /jobs/:id': 'read',
  'DELETE /jobs/:id': 'deploy',
  'GET /jobs/:id/status': 'read',
  'GET /jobs/:id/logs': 'read',
  'GET /jobs/:id/exec': 'exec',
  'POST /jobs/statuses': 'read',
  'GET /history/jobs/:id': 'read',
  'GET /audit': 'read',
  'GET /hosts': 'read',
  'PUT /hosts/:host': 'agent',
  'DELETE /hosts/:host': 'admin',
  'GET /hosts/:host/status': 'read',
  'POST /hosts/statuses': 'read',
  'GET /hosts/:host/jobs/:jobId': 'read',
  'PUT /hosts/:host/jobs/:jobId': 'deploy',
  'PATCH /hosts/:host/jobs/:jobId': 'deploy',
  'DELETE /hosts/:host/jobs/:jobId': 'deploy',
  'POST /agents/:host/heartbeat': 'agent',
  'GET /agents/:host/tasks': 'agent-read',
  'POST /agents/:host/statuses': 'agent',
  'GET /agents/:host/registry-auth': 'agent-self',
  'GET /agents/:host/channel': 'agent',
  'GET /sync/sources': 'read',
  'GET /sync/sources/:name': 'sync-read',
  'PUT /sync/sources/:name': 'sync',
  'PUT /sync/sources/:name/registration': 'admin',
  'DELETE /sync/sources/:name': 'admin',
  'GET /registry/accounts': 'admin',
  'PUT /registry/accounts/:name': 'admin',
  'DELETE /registry/accounts/:ref': 'admin',
  'GET /metrics': 'read',
  'GET /events': 'read',
  'GET /deployment-group': 'read',
  'POST /deployment-group': 'deploy',
  'GET /deployment-group/:name': 'read',
  'DELETE /deployment-group/:name': 'deploy',
  'POST /deployment-group/:name/rolling-update': 'deploy',
  'POST /deployment-group/:name/stop': 'deploy',
  'GET /deployment-group/:name/status': 'read',
  'GET /deployment-group/:name/history': 'read',
  'GET /': 'public',
  'GET /ui/': 'public',
  'GET /ui/*': 'public',
};

// exec reads as read does; what it adds is its own access, below.
const LEVEL: Record<Role, number> = { agent: 0, sync: 0, read: 1, exec: 1, deploy: 2, admin: 3 };
const atLeast = (p: Principal, role: 'read' | 'deploy' | 'admin') => LEVEL[p.role] >= LEVEL[role];

const isAgentOf = (p: Principal, host: string | undefined) => p.role === 'agent' && (p.host === undefined || p.host === host);
const isSyncOf = (p: Principal, source: string | undefined) => p.role === 'sync' && source !== undefined && !!p.sources?.includes(source);

/** What the route needs, in words for the refusal. */
function needed(access: Access, params: Record<string, string | undefined>): string {
  switch (access) {
    case 'agent': return `role admin, or the agent of host ${params.host}`;
    case 'agent-read': return `role read, or the agent of host ${params.host}`;
    case 'agent-self': return `the agent of host ${params.host}`;
    case 'exec': return 'role exec or admin';
    case 'sync': return `role deploy, or a sync token for source ${params.name}`;
    case 'sync-read': return `role read, or a sync token for source ${params.name}`;
    default: return `role ${access}`;
  }
}

/** Null when `principal` may call a route of `access` with these path parameters; else what it needs. */
export function refusal(principal: Principal, access: Access, params: Record<string, string | undefined>): string | null {
  const allowed = (() => {
    switch (access) {
      case 'public': case 'any': return true;
      case 'read': case 'deploy': case 'admin': return atLeast(principal, access);
      case 'exec': return principal.role === 'exec' || atLeast(principal, 'admin');
      case 'agent': return isAgentOf(principal, params.host) || atLeast(principal, 'admin');
      case 'agent-read': return isAgentOf(principal, params.host) || atLeast(principal, 'read');
      case 'agent-self': return isAgentOf(principal, params.host) || principal.anonymous;
      case 'sync': return isSyncOf(principal, params.name) || atLeast(principal, 'deploy');
      case 'sync-read': return isSyncOf(principal, params.name) || atLeast(principal, 'read');
    }
  })();
  return allowed ? null : needed(access, params);
}

/** How a principal reads in a refusal: `token "ci" (role deploy)`, `the agent of host a`. */
export function describePrincipal(p: Principal): string {
  if (p.role === 'agent' && p.host !== undefined) return `token "${p.name}" (the agent of host ${p.host})`;
  if (p.role === 'sync') return `token "${p.name}" (role sync, sources ${p.sources?.join(', ')})`;
  return `token "${p.name}" (role ${p.role})`;
}
