import type { SyncSource } from '../../core/schema/sync.js';
import { api } from '../api.js';
import { useLiveData } from '../useLiveData.js';
import { ErrorBanner, Loading, State, When } from '../components.js';

/** Sync sources: what each follows, its last applied commit, its state, and every error with file:line. */
export function SyncPage() {
  const sources = useLiveData(() => api<SyncSource[]>('GET', '/sync/sources'), ['sync'], []);
  return (
    <section aria-labelledby="sync-title">
      <h1 id="sync-title">Sync sources</h1>
      <ErrorBanner error={sources.error} />
      {!sources.data ? <Loading /> : sources.data.length === 0 ? <p class="muted">No sync sources: run helios-syncer on a repository of job files.</p> : (
        <table aria-label="Sync sources">
          <thead><tr><th>Source</th><th>State</th><th>Follows</th><th>Last applied</th><th>Last attempt</th><th>Errors and warnings</th></tr></thead>
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
                    {source.errors.map((e, i) => <li key={`e${i}`} class="error"><span class="mono">{e.file}{e.line ? `:${e.line}` : ''}</span> {e.message}</li>)}
                    {(source.warnings ?? []).map((w, i) => <li key={`w${i}`}><span class="mono">{w.file}{w.line ? `:${w.line}` : ''}</span> {w.message}</li>)}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
