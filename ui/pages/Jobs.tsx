import { useState } from 'preact/hooks';
import type { Job } from '../../core/schema/job.js';
import type { JobStatus } from '../../core/schema/status.js';
import { api } from '../api.js';
import { useLiveData } from '../useLiveData.js';
import { ErrorBanner, Loading, SearchBox } from '../components.js';
import { jobHref } from '../routes.js';

const PAGE = 50;

/** The master's page of jobs (GET /jobs?limit&after, in id order): its `next` is the cursor. */
interface JobsPage { jobs: Record<string, Job>; next?: string }

/**
 * Jobs, searched by id (the API's `q`), a page at a time through the API's paging: 10,000 jobs cost
 * one page of 50 and their statuses.
 */
export function JobsPage() {
  const [search, setSearch] = useState('');
  // The cursors of the pages before this one: Previous pops one.
  const [cursors, setCursors] = useState<string[]>([]);
  const after = cursors[cursors.length - 1];
  const page = useLiveData(() => api<JobsPage>('GET', `/jobs?${new URLSearchParams({ limit: String(PAGE), ...(search ? { q: search } : {}), ...(after ? { after } : {}) })}`),
    ['jobs'], [search, after]);
  const ids = Object.keys(page.data?.jobs ?? {});
  const statuses = useLiveData(() => (ids.length === 0 ? Promise.resolve<Record<string, JobStatus>>({}) : api<Record<string, JobStatus>>('POST', '/jobs/statuses', ids)),
    ['deployments', 'statuses'], [ids.join('\n')]);
  return (
    <section aria-labelledby="jobs-title">
      <h1 id="jobs-title">Jobs</h1>
      <div class="toolbar">
        <SearchBox value={search} onInput={(v) => { setSearch(v); setCursors([]); }} label="Search jobs by id" placeholder="Search jobs (name:version:hash)" />
      </div>
      <ErrorBanner error={page.error ?? statuses.error} />
      {!page.data ? <Loading /> : ids.length === 0 ? <p class="muted">No jobs{search ? ` matching ${search}` : ''}.</p> : (
        <table aria-label="Jobs">
          <thead><tr><th>Job</th><th>Image</th><th>Owner</th><th>Running on</th><th>Created</th></tr></thead>
          <tbody>
            {ids.map((id) => {
              const job = page.data!.jobs[id];
              const status = statuses.data?.[id];
              const tasks = Object.values(status?.taskStatuses ?? {});
              return (
                <tr key={id}>
                  <td class="mono"><a href={jobHref(id)}>{id}</a></td>
                  <td class="mono">{job.image}</td>
                  <td>{job.owner ?? 'cli'}</td>
                  <td>{status ? `${tasks.filter((s) => s.state === 'RUNNING').length} / ${Object.keys(status.deployments).length} hosts` : ''}</td>
                  <td class="muted">{job.created ? new Date(job.created).toLocaleString() : ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <nav class="pager" aria-label="Jobs pages">
        <button type="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>Previous</button>
        <button type="button" disabled={!page.data?.next} onClick={() => page.data?.next && setCursors([...cursors, page.data.next])}>Next</button>
      </nav>
    </section>
  );
}
