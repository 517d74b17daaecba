import type { DeploymentGroupStatusResponse } from '../../core/schema/deploymentGroup.js';
import { api, seg } from '../api.js';
import { useLiveData } from '../useLiveData.js';
import { ErrorBanner, Loading, State } from '../components.js';
import { rolloutProgress } from '../rolloutProgress.js';

/** Deployment groups: each one's job, status and hosts, and a running rollout's progress, host by host. Shown when the master has /deployment-group/. */
export function GroupsPage() {
  const groups = useLiveData(async () => {
    const names = await api<string[]>('GET', '/deployment-group/');
    return Promise.all(names.map((name) => api<DeploymentGroupStatusResponse>('GET', `/deployment-group/${seg(name)}/status`)));
  }, ['deployments', 'statuses', 'hosts'], []);
  return (
    <section aria-labelledby="groups-title">
      <h1 id="groups-title">Deployment groups</h1>
      <ErrorBanner error={groups.error} />
      {!groups.data ? <Loading /> : groups.data.length === 0 ? <p class="muted">No deployment groups.</p> : groups.data.map((g) => {
        const rollout = g.rollout;
        const progress = new Map(rollout ? rolloutProgress(rollout.tasks, rollout.taskIndex) : []);
        // The UP members, then hosts the rollout touches that are not among them (leaving the group, or DOWN).
        const rows = [...g.hostStatuses, ...[...progress.keys()].filter((host) => !g.hostStatuses.some((h) => h.host === host))
          .map((host) => ({ host, jobId: null, state: null }))];
        return (
          <article key={g.deploymentGroup.name} aria-label={`Group ${g.deploymentGroup.name}`}>
            <h2><span class="mono">{g.deploymentGroup.name}</span> <State state={g.status} /> <span class="mono muted">{g.deploymentGroup.jobId ?? ''}</span></h2>
            {g.error && <p class="error">{g.error}</p>}
            {rollout && (
              <p>Rollout {rollout.rolloutId}{rollout.reverting ? ' (reverting)' : ''}: step {rollout.taskIndex} of {rollout.tasks.length}{' '}
                <span class="progress" role="progressbar" aria-valuemin={0} aria-valuemax={rollout.tasks.length} aria-valuenow={rollout.taskIndex}>
                  <span style={`width:${rollout.tasks.length ? (100 * rollout.taskIndex) / rollout.tasks.length : 0}%`} />
                </span>
              </p>
            )}
            <table aria-label={`Hosts of ${g.deploymentGroup.name}`}>
              <thead><tr><th>Host</th><th>Job</th><th>State</th>{rollout && <th>Rollout</th>}</tr></thead>
              <tbody>{rows.map((h) => (
                <tr key={h.host} data-group-host={h.host}>
                  <td class="mono">{h.host}</td><td class="mono">{h.jobId ?? ''}</td><td>{h.state ? <State state={h.state} /> : ''}</td>
                  {rollout && <td>{progress.has(h.host) ? <State state={progress.get(h.host)!} /> : <span class="muted">not in it</span>}</td>}
                </tr>
              ))}</tbody>
            </table>
          </article>
        );
      })}
    </section>
  );
}
