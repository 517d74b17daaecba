import { useState } from 'preact/hooks';
import type { Job } from '../../core/schema/job.js';
import { api, seg } from '../api.js';
import { useLiveData } from '../useLiveData.js';
import { ErrorBanner, Loading } from '../components.js';
import { diffJobs } from '../jobDiff.js';
import { jobHref } from '../routes.js';

/** Two versions of a job, field by field: what changed, came or went (the unchanged fields on request). */
export function DiffPage({ from, to }: { from: string; to: string }) {
  const jobs = useLiveData(() => Promise.all([api<Job>('GET', `/jobs/${seg(from)}`), api<Job>('GET', `/jobs/${seg(to)}`)]), ['jobs'], [from, to]);
  const [all, setAll] = useState(false);
  if (jobs.error) return <ErrorBanner error={jobs.error} />;
  if (!jobs.data) return <Loading />;
  const [a, b] = jobs.data;
  // id, created and creatingUser differ between any two versions: not what anyone asks a diff for.
  const strip = ({ id: _id, created: _c, creatingUser: _u, ...spec }: Job) => spec;
  const changes = diffJobs(strip(a), strip(b));
  const shown = all ? changes : changes.filter((c) => c.kind !== 'same');
  return (
    <section aria-labelledby="diff-title">
      <h1 id="diff-title">Diff <a class="mono" href={jobHref(a.id)}>{a.id}</a> → <a class="mono" href={jobHref(b.id)}>{b.id}</a></h1>
      <div class="toolbar">
        <label><input type="checkbox" checked={all} onChange={(e) => setAll((e.target as HTMLInputElement).checked)} /> Show unchanged fields</label>
        <span class="muted">{changes.filter((c) => c.kind !== 'same').length} fields differ</span>
      </div>
      <table aria-label="Changed fields">
        <thead><tr><th>Field</th><th>Change</th><th class="mono">{a.id}</th><th class="mono">{b.id}</th></tr></thead>
        <tbody>
          {shown.map((c) => (
            <tr key={c.path} class={c.kind} data-field={c.path}>
              <td class="mono">{c.path}</td><td>{c.kind}</td><td class="mono">{c.from ?? ''}</td><td class="mono">{c.to ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
