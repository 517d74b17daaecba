import test from 'ava';
import { pino } from 'pino';
import { HeliosError } from '../../core/index.js';
import { createClusterStanding } from './clusterStanding.js';

function standing() {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => { lines.push(JSON.parse(line) as Record<string, unknown>); } });
  let changes = 0;
  const s = createClusterStanding({ log, master: 'master at http://m:5801', stateDir: '/var/lib/agent', onChange: () => { changes += 1; } });
  return { s, lines, changes: () => changes };
}

const mismatch = () => new HeliosError('CLUSTER_MISMATCH', 'refused', { clusterId: 'new-b', agentClusterId: 'old-a' });

test('it holds from start-up until the master answers, and acts in full once it has', (t) => {
  const { s, changes } = standing();
  t.true(s.holding);
  s.answered();
  t.false(s.holding);
  t.is(changes(), 1);
  s.failed(new HeliosError('MASTER_UNREACHABLE', 'down'));
  t.false(s.holding, 'a master that answered once and then went away: the persisted desired set rules');
});

test('a master that cannot be asked at start-up lets the persisted desired set rule, as before', (t) => {
  const { s } = standing();
  s.failed(new HeliosError('MASTER_UNREACHABLE', 'connection refused'));
  t.false(s.holding);
  t.is(s.mismatch, null);
});

test('a master of another cluster holds the agent and is logged once with the fix, however often it refuses; once when it is over', (t) => {
  const { s, lines } = standing();
  s.answered();
  for (let i = 0; i < 20; i++) s.failed(mismatch());
  t.true(s.holding);
  const errors = lines.filter((l) => l.level === 50);
  t.is(errors.length, 1);
  t.is(errors[0].msg, 'master at http://m:5801 belongs to another cluster: this agent belongs to cluster old-a (recorded in /var/lib/agent), '
    + 'but the master is cluster new-b; the agent keeps its containers running and takes no desired state from it. Check --master; '
    + "if this master is the agent's cluster from now on (its old database is gone for good), restart the agent with --join-new-cluster, "
    + 'which forgets cluster old-a and its desired set');
  t.is(s.mismatch, (errors[0].reason as string));
  s.failed(new HeliosError('MASTER_UNREACHABLE', 'down'));
  t.true(s.holding, 'still holding when that master goes away');
  s.answered();
  t.false(s.holding);
  t.is(s.mismatch, null);
  t.deepEqual(lines.filter((l) => l.level === 30).map((l) => l.msg), ["master at http://m:5801 belongs to this agent's cluster again"]);
});
