import test from 'ava';
import type { SyncJob } from '../../core/index.js';
import { aliasHosts } from './hostAliases.js';

const job = (hosts: string[]): SyncJob => ({ file: 'jobs/web.yaml', spec: { name: 'web', version: '1', image: 'busybox:latest' }, hosts, goal: 'START' });

test('an alias in deploy.hosts is replaced by its host; other names pass unchanged', (t) => {
  const [out] = aliasHosts([job(['local', 'web-1'])], new Map([['local', 'laptop']]));
  t.deepEqual(out.hosts, ['laptop', 'web-1']);
});

test('a host named both by its alias and its real name is sent once', (t) => {
  const [out] = aliasHosts([job(['local', 'laptop'])], new Map([['local', 'laptop']]));
  t.deepEqual(out.hosts, ['laptop']);
});

test('no aliases leaves the jobs as they are', (t) => {
  const jobs = [job(['local'])];
  t.is(aliasHosts(jobs, new Map()), jobs);
});
