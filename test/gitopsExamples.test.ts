/** The sample GitOps repository in examples/gitops is valid, and a dry run of it plans what its README says. */
import test from 'ava';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { preparePass } from '../syncer/sync.js';
import { isJobFile } from '../syncer/manifests/isJobFile.js';
import { parseJobFile } from '../syncer/manifests/parseJobFile.js';
import { gitops } from './gitopsHelpers.js';

const root = fileURLToPath(new URL('../examples/gitops/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const sample = Object.fromEntries(files(root).map((path) => [relative(root, path), readFileSync(path, 'utf8')]));

test('every job file of the sample repo is valid', (t) => {
  const jobFiles = Object.keys(sample).filter(isJobFile).filter((p) => p.startsWith('jobs/')).sort();
  t.deepEqual(jobFiles, ['jobs/cron.json', 'jobs/team-b/worker.yml', 'jobs/web.yaml']);
  for (const file of jobFiles) {
    const result = parseJobFile(file, sample[file]);
    t.true(result.ok, `${file}: ${result.ok ? '' : JSON.stringify(result.errors)}`);
  }
});

test('a dry run of the sample repo plans 3 creates and 4 deploys (cron with goal STOP)', async (t) => {
  const g = await gitops(t, { files: sample });
  const { pass } = await preparePass(g.config(['--dry-run']), pino({ level: 'silent' }));
  const { result } = await pass();
  t.is(result.state, 'PLANNED');
  const summary = result.actions.map((a) => `${a.action} ${a.jobId.split(':')[0]}${a.host ? ` ${a.host}` : ''}${a.goal ? ` ${a.goal}` : ''}`).sort();
  t.deepEqual(summary, [
    'create cron', 'create web', 'create worker',
    'deploy cron agent-2 STOP', 'deploy web agent-1 START', 'deploy worker agent-1 START', 'deploy worker agent-2 START',
  ]);
});
