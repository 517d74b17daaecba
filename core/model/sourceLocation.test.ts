import test from 'ava';
import { normalizeSourcePath, repoKey, stripCredentials } from './sourceLocation.js';

test('stripCredentials drops user and password from a URL and leaves a path alone', (t) => {
  t.is(stripCredentials('https://x-access-token:ghp_secret@github.com/team/apps.git'), 'https://github.com/team/apps.git');
  t.is(stripCredentials('https://github.com/team/apps.git'), 'https://github.com/team/apps.git');
  t.is(stripCredentials('/srv/deploy'), '/srv/deploy');
});

test('repoKey: spellings of one repository meet, other repositories do not', (t) => {
  const same = ['https://github.com/team/apps.git', 'https://tok@GitHub.COM/team/apps', 'http://github.com/team/apps/', 'https://github.com:443/team/apps.git/?x=1#f'];
  t.is(new Set(same.map(repoKey)).size, 1);
  t.not(repoKey('https://github.com/team/apps'), repoKey('https://github.com/Team/apps'));
  t.not(repoKey('https://github.com/team/apps'), repoKey('https://github.com:8443/team/apps'));
  t.not(repoKey('https://github.com/team-a/apps'), repoKey('https://github.com/team-b/apps'));
  t.is(repoKey('/srv/deploy/.git/'), repoKey('/srv/deploy'));
  t.not(repoKey('/srv/deploy.git'), repoKey('/srv/deploy'), 'a bare repository beside a working copy is another one');
});

test('normalizeSourcePath spells a folder one way', (t) => {
  t.is(normalizeSourcePath('./jobs/'), 'jobs');
  t.is(normalizeSourcePath('deploy//web'), 'deploy/web');
  t.is(normalizeSourcePath('.'), '');
  t.is(normalizeSourcePath('/'), '');
});
