import { useState } from 'preact/hooks';
import type { HostStatus } from '../../core/schema/status.js';
import { api } from '../api.js';
import { useLiveData } from '../useLiveData.js';
import { ErrorBanner, Loading, Pager, SearchBox, State, When } from '../components.js';

const PAGE = 50;
const TOPICS = ['hosts', 'heartbeats', 'deployments', 'statuses'] as const;

/**
 * Every host: status, labels, Docker trouble, tasks running. The names are one small list; the
 * statuses (each with its tasks) are read for the page on screen only, so 1,000 hosts cost 50.
 */
export function HostsPage() {
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(0);
  const names = useLiveData(() => api<string[]>('GET', '/hosts'), ['hosts'], []);
  const matching = (names.data ?? []).filter((name) => name.includes(search));
  const shown = matching.slice(page * PAGE, (page + 1) * PAGE);
  const statuses = useLiveData(
    () => (shown.length === 0 ? Promise.resolve<Record<string, HostStatus>>({}) : api<Record<string, HostStatus>>('POST', '/hosts/statuses', shown)),
    TOPICS, [shown.join('\n')]);
  return (
    <section aria-labelledby="hosts-title">
      <h1 id="hosts-title">Hosts</h1>
      <div class="toolbar">
        <SearchBox value={search} onInput={(v) => { setSearch(v); setPage(0); }} label="Search hosts by name" placeholder="Search hosts" />
        <span class="muted">{names.data ? `${matching.length} of ${names.data.length} hosts` : ''}</span>
      </div>
      <ErrorBanner error={names.error ?? statuses.error} />
      {!names.data ? <Loading /> : (
        <table aria-label="Hosts">
          <thead><tr><th>Host</th><th>Status</th><th>Tasks running</th><th>Labels</th><th>Docker</th><th>Agent</th><th>Last seen</th></tr></thead>
          <tbody>
            {shown.map((name) => {
              const host = statuses.data?.[name];
              const tasks = host ? Object.values(host.statuses) : [];
              const running = tasks.filter((s) => s.state === 'RUNNING').length;
              return (
                <tr key={name} data-host={name}>
                  <td class="mono">{name}</td>
                  <td>{host ? <State state={host.status} /> : '…'}</td>
                  <td>{host ? `${running} / ${Object.keys(host.jobs).length}` : ''}</td>
                  <td>{host && Object.entries(host.labels).map(([k, v]) => <span class="label" key={k}>{k}={v}</span>)}</td>
                  <td>{host?.dockerError ? <span class="error">{host.dockerError}</span> : host?.hostInfo?.dockerVersion?.version ?? ''}</td>
                  <td class="muted">{host?.agentInfo?.version ?? ''}</td>
                  <td>{host && <When ms={host.lastSeen} />}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <Pager page={page} size={PAGE} total={matching.length} onPage={setPage} label="Hosts" />
    </section>
  );
}
