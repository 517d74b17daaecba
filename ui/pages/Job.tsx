import { useState } from 'preact/hooks';
import type { Whoami } from '../../core/schema/auth.js';
import type { Job } from '../../core/schema/job.js';
import type { Goal, JobStatus, TaskStatusEvent } from '../../core/schema/status.js';
import { stateTone } from '../../core/model/stateTone.js';
import { api, mayDeploy, mayExec, seg } from '../api.js';
import { useLiveData } from '../useLiveData.js';
import { Confirm, ErrorBanner, Loading, State, When } from '../components.js';
import { diffHref, jobHref } from '../routes.js';
import { JobLogs } from './JobLogs.js';
import { JobTerminal } from './JobTerminal.js';

/** What a deploy token may do to a task, as the CLI's deploy/start/stop/undeploy. */
type Action = { kind: 'deploy'; host: string } | { kind: 'goal'; host: string; goal: Exclude<Goal, 'UNDEPLOY'> } | { kind: 'undeploy'; host: string };

const describe = (action: Action, id: string) => action.kind === 'deploy' ? `Deploy ${id} on ${action.host}?`
  : action.kind === 'undeploy' ? `Undeploy ${id} from ${action.host}? Its container is stopped and removed.`
    : `${action.goal === 'START' ? 'Start' : 'Stop'} ${id} on ${action.host}?`;

function run(action: Action, id: string): Promise<unknown> {
  const path = `/hosts/${seg(action.host)}/jobs/${seg(id)}`;
  if (action.kind === 'deploy') return api('PUT', path, { job: id, goal: 'START' });
  if (action.kind === 'undeploy') return api('DELETE', path);
  return api('PATCH', path, { job: id, goal: action.goal });
}

/** One job: where it runs and each task's state and container, its history as a timeline, its config, its other versions. */
export function JobPage({ id, who }: { id: string; who: Whoami | null }) {
  const status = useLiveData(() => api<JobStatus>('GET', `/jobs/${seg(id)}/status`), ['jobs', 'deployments', 'statuses'], [id]);
  const history = useLiveData(() => api<{ events: TaskStatusEvent[] }>('GET', `/history/jobs/${seg(id)}`), ['statuses', 'jobs'], [id]);
  const name = id.split(':')[0];
  const versions = useLiveData(() => api<Record<string, Job>>('GET', `/jobs?q=${encodeURIComponent(`${name}:`)}`), ['jobs'], [name]);
  const hosts = useLiveData(() => (mayDeploy(who) ? api<string[]>('GET', '/hosts') : Promise.resolve([])), ['hosts'], [who?.role]);
  const [pending, setPending] = useState<Action | null>(null);
  const [actionError, setActionError] = useState<Error | undefined>(undefined);
  const [deployHost, setDeployHost] = useState('');
  const canAct = mayDeploy(who);
  const job = status.data?.job;

  const confirm = async (action: Action) => {
    setPending(null);
    try {
      await run(action, job?.id ?? id);
      setActionError(undefined);
    } catch (err) {
      setActionError(err as Error);
    }
  };

  if (status.error) return <section><h1 class="mono">{id}</h1><ErrorBanner error={status.error} /></section>;
  if (!status.data || !job) return <Loading />;
  const hostsOfJob = Object.keys(status.data.deployments).sort();
  const events = [...(history.data?.events ?? [])].reverse();
  const otherVersions = Object.keys(versions.data ?? {}).filter((other) => other !== job.id && other.startsWith(`${name}:`));
  return (
    <section aria-labelledby="job-title">
      <h1 id="job-title" class="mono">{job.id}</h1>
      <ErrorBanner error={actionError} />
      <h2>Where it runs</h2>
      {hostsOfJob.length === 0 ? <p class="muted">Not deployed anywhere.</p> : (
        <table aria-label="Tasks">
          <thead><tr><th>Host</th><th>Goal</th><th>State</th><th>Container</th><th>Ports</th><th>Owner</th><th>Problem</th>{canAct && <th>Actions</th>}</tr></thead>
          <tbody>
            {hostsOfJob.map((host) => {
              const deployment = status.data!.deployments[host];
              const task = status.data!.taskStatuses[host];
              const problem = task?.containerError ?? task?.healthCheckError ?? (task && task.throttled !== 'NO' ? task.throttled : '');
              return (
                <tr key={host} data-task-host={host}>
                  <td class="mono">{host}</td>
                  <td>{deployment.goal}</td>
                  <td data-state>{task ? <State state={task.state} /> : <span class="muted">no report yet</span>}</td>
                  <td class="mono">{task?.containerId?.slice(0, 12) ?? ''}</td>
                  <td class="mono">{task ? Object.entries(task.ports).map(([n, p]) => `${n} ${p.internalPort}→${p.externalPort ?? '?'}`).join(', ') : ''}</td>
                  <td>{deployment.owner ?? 'cli'}</td>
                  <td class="error">{problem}</td>
                  {canAct && (
                    <td class="actions">
                      {deployment.goal === 'STOP'
                        ? <button type="button" onClick={() => setPending({ kind: 'goal', host, goal: 'START' })} aria-label={`Start on ${host}`}>Start</button>
                        : <button type="button" onClick={() => setPending({ kind: 'goal', host, goal: 'STOP' })} aria-label={`Stop on ${host}`}>Stop</button>}
                      <button type="button" class="danger" onClick={() => setPending({ kind: 'undeploy', host })} aria-label={`Undeploy from ${host}`}>Undeploy</button>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {canAct && (
        <form class="toolbar" style="margin-top:.8rem" onSubmit={(e) => { e.preventDefault(); if (deployHost) setPending({ kind: 'deploy', host: deployHost }); }}>
          <label>Deploy on host{' '}
            <input list="deploy-hosts" value={deployHost} onInput={(e) => setDeployHost((e.target as HTMLInputElement).value)} required />
          </label>
          <datalist id="deploy-hosts">{(hosts.data ?? []).filter((h) => !hostsOfJob.includes(h)).map((h) => <option key={h} value={h} />)}</datalist>
          <button type="submit" class="primary">Deploy</button>
        </form>
      )}
      {pending && <Confirm message={describe(pending, job.id)} confirmLabel="Confirm" onConfirm={() => void confirm(pending)} onCancel={() => setPending(null)} />}

      {hostsOfJob.length > 0 && <JobLogs id={job.id} hosts={hostsOfJob} />}
      {hostsOfJob.length > 0 && mayExec(who) && <JobTerminal id={job.id} hosts={hostsOfJob} />}

      <h2>History</h2>
      {events.length === 0 ? <p class="muted">No task events yet.</p> : (
        <ol class="timeline" aria-label="Task history, newest first">
          {events.slice(0, 200).map((e, i) => (
            <li key={`${e.timestamp}-${e.host}-${i}`} class={`at-${stateTone(e.status.state)}`}>
              <When ms={e.timestamp} /> <span class="mono">{e.host}</span> <State state={e.status.state} />
              {e.status.containerError && <span class="error"> {e.status.containerError}</span>}
            </li>
          ))}
        </ol>
      )}

      <h2>Config</h2>
      <dl class="fields">
        <dt>Image</dt><dd class="mono">{job.image}</dd>
        <dt>Command</dt><dd class="mono">{(job.command ?? []).join(' ') || '(the image\'s)'}</dd>
        <dt>Owner</dt><dd>{job.owner ?? 'cli'}</dd>
        <dt>Created</dt><dd><When ms={job.created} />{job.creatingUser ? ` by ${job.creatingUser}` : ''}</dd>
      </dl>
      <details><summary>Full job JSON</summary><pre>{JSON.stringify(job, null, 2)}</pre></details>

      {otherVersions.length > 0 && (
        <>
          <h2>Other versions</h2>
          <ul>{otherVersions.map((other) => (
            <li key={other}><a class="mono" href={jobHref(other)}>{other}</a> · <a href={diffHref(other, job.id)}>diff with this one</a></li>
          ))}</ul>
        </>
      )}
    </section>
  );
}
