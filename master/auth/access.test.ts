import test from 'ava';
import { refusal, type Access } from './access.js';
import type { Principal } from './principal.js';

const p = (role: Principal['role'], more: Partial<Principal> = {}): Principal => ({ name: role, role, anonymous: false, ...more });
const read = p('read'), deploy = p('deploy'), admin = p('admin');
const agentA = p('agent', { host: 'a' }), anyAgent = p('agent'), syncApps = p('sync', { sources: ['apps'] });
const params = { host: 'a', name: 'apps' };

// Each principal against each kind of route: true = allowed.
const table: Array<[Access, Record<string, boolean>]> = [
  ['public', { read: true, deploy: true, admin: true, agentA: true, anyAgent: true, syncApps: true }],
  ['any', { read: true, deploy: true, admin: true, agentA: true, anyAgent: true, syncApps: true }],
  ['read', { read: true, deploy: true, admin: true, agentA: false, anyAgent: false, syncApps: false }],
  ['deploy', { read: false, deploy: true, admin: true, agentA: false, anyAgent: false, syncApps: false }],
  ['admin', { read: false, deploy: false, admin: true, agentA: false, anyAgent: false, syncApps: false }],
  ['agent', { read: false, deploy: false, admin: true, agentA: true, anyAgent: true, syncApps: false }],
  ['agent-read', { read: true, deploy: true, admin: true, agentA: true, anyAgent: true, syncApps: false }],
  ['agent-self', { read: false, deploy: false, admin: false, agentA: true, anyAgent: true, syncApps: false }],
  ['sync', { read: false, deploy: true, admin: true, agentA: false, anyAgent: false, syncApps: true }],
  ['sync-read', { read: true, deploy: true, admin: true, agentA: false, anyAgent: false, syncApps: true }],
];
const principals: Record<string, Principal> = { read, deploy, admin, agentA, anyAgent, syncApps };

for (const [access, expected] of table) {
  test(`who may call a route of access ${access}`, (t) => {
    for (const [who, allowed] of Object.entries(expected)) t.is(refusal(principals[who], access, params) === null, allowed, who);
  });
}

test('a bound agent may act only for its own host, a sync token only for its sources', (t) => {
  t.is(refusal(agentA, 'agent', { host: 'b' }), 'role admin, or the agent of host b');
  t.is(refusal(anyAgent, 'agent', { host: 'b' }), null, 'an unbound agent token acts for any host');
  t.is(refusal(syncApps, 'sync', { name: 'infra' }), 'role deploy, or a sync token for source infra');
  t.is(refusal(deploy, 'admin', {}), 'role admin');
  t.is(refusal(agentA, 'agent-self', { host: 'b' }), 'the agent of host b', 'a registry secret goes to the pulling host only');
  t.is(refusal(admin, 'agent-self', params), 'the agent of host a', 'not even to an admin token');
  t.is(refusal({ ...admin, anonymous: true }, 'agent-self', params), null, 'without a token file anyone may do anything');
});
