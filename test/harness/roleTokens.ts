/** A master's tokens, one of each role, for tests of who may do what (exec, logs, deploy). */
export const ROLE_TOKENS = [
  { token: 'admin-token-0123456789', role: 'admin' as const, name: 'root' },
  { token: 'read-token-0123456789', role: 'read' as const, name: 'viewer' },
  { token: 'exec-token-0123456789', role: 'exec' as const, name: 'oncall' },
  { token: 'deploy-token-0123456789', role: 'deploy' as const, name: 'ci' },
  { token: 'agent-token-0123456789', role: 'agent' as const, name: 'agents' },
];
