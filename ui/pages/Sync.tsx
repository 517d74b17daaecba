import type { FileError, SyncAction, SyncPlan, SyncSource } from '../../core/schema/sync.js';
import { syncActionTarget } from '../../core/model/syncActionTarget.js';
import { api } from '../api.js';
import { useLiveData } from '../useLiveData.js';
import { ErrorBanner, Loading, State, When } from '../components.js';

/** Sync sources: what each follows, its last applied commit, its state, every error with file:line, and its last dry run's plan. */
export function SyncPage() {
  const sources = useLiveData(() => api<SyncSource[]>('GET', '/sync/sources'), ['sync'], []);
  return (
    <section aria-labelledby="sync-title">
      <h1 id="sync-title">Sync sources</h1>
      <ErrorBanner error={sources.error} />
      {!sources.data ? <Loading /> : sources.data.length === 0 ? <p class="muted">No sync sources: run helios-syncer on a repository of job files.</p> : (
        <table aria-label="Sync sources">
          <thead><tr><th>Source</th><th>State</th><th>Follows</th><th>Last applied</th><th>Last attempt</th><th>Errors and warnings</th><th>Last dry run</th></tr></thead>
          <tbody>
            {sources.data.map((source) => (
              <tr key={source.name} data-source={source.name}>
                <td class="mono">{source.name}</td>
                <td><State state={source.state} /></td>
                <td class="mono">{source.repo} {source.branch} {source.path || '/'}</td>
                <td class="mono">{source.lastAppliedCommit?.slice(0, 10) ?? <span class="muted">none</span>} <When ms={source.lastSync} /></td>
                <td class="mono">{source.lastAttemptedCommit?.slice(0, 10) ?? ''} <When ms={source.lastAttempt} /></td>
                <td>
                  <ul class="errors">
                    {source.errors.map((e, i) => <FileErrorItem key={`e${i}`} error={e} class="error" />)}
                    {(source.warnings ?? []).map((w, i) => <FileErrorItem key={`w${i}`} error={w} />)}
                  </ul>
                </td>
                <td data-plan>{source.lastPlan ? <Plan plan={source.lastPlan} /> : <span class="muted">none (helios-syncer --dry-run)</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function FileErrorItem({ error, class: className }: { error: FileError; class?: string }) {
  return <li class={className}><span class="mono">{error.file}{error.line ? `:${error.line}` : ''}</span> {error.message}</li>;
}

/** What the dry run's commit would change (or why it would be refused), as the master planned it then. */
function Plan({ plan }: { plan: SyncPlan }) {
  const more = plan.actionCount - plan.actions.length;
  return (
    <div class="plan">
      <State state={plan.state} /> <span class="mono">{plan.commit.slice(0, 10)}</span> <When ms={plan.at} />
      {plan.state === 'REFUSED' ? (
        <ul class="errors">{plan.errors.map((e, i) => <FileErrorItem key={i} error={e} class="error" />)}</ul>
      ) : plan.actionCount === 0 ? <p class="muted">nothing would change</p> : (
        <ul aria-label={`What commit ${plan.commit.slice(0, 10)} would change`}>
          {plan.actions.map((a, i) => <li key={i} class="mono">{describeAction(a)}</li>)}
          {more > 0 && <li class="muted">and {more} more</li>}
        </ul>
      )}
    </div>
  );
}

/** `deploy web:2:3f2a1b7 on h1 (START)`, `rolling-update web:2:3f2a1b7 to group web`: the job's hash cut to 7. */
const describeAction = (a: SyncAction): string =>
  `${a.action} ${a.jobId.replace(/^([^:]+:[^:]+:[0-9a-f]{7})[0-9a-f]+$/, '$1')}${syncActionTarget(a)}`;
