import test from 'ava';
import { resolveHostName, shortHostName } from './hostNames.js';
import { searchDomainsOf } from './searchDomains.js';

const resolved = (r: ReturnType<typeof resolveHostName>) => ('host' in r ? r.host : `${r.error.code}: ${r.error.message}`);

// Helios' HostResolverTest, case by case. Where Helios "falls through" (sends the ambiguous name on,
// to fail as HOST_NOT_FOUND), ours stops with AMBIGUOUS_HOST naming the matches.
const SEARCH_PATH = ['bar.com', 'foo.com'];
const ALL_HOSTS = ['host1.bar.com', 'host1.foo.com'];

test('HostResolverTest.test: exact, unknown, unique prefixes, ambiguous without a search path', (t) => {
  const resolve = (name: string) => resolved(resolveHostName(name, ALL_HOSTS, []));
  t.is(resolve('host1.bar.com'), 'host1.bar.com', "fully spec'd that's in allHosts");
  t.is(resolve('whee.bar.com'), 'whee.bar.com', "fully spec'd not in allHosts: left for the master's HOST_NOT_FOUND");
  t.is(resolve('host1.bar'), 'host1.bar.com', 'unique prefix');
  t.is(resolve('host1.b'), 'host1.bar.com', 'unique prefix');
  t.is(resolve('host1'), 'AMBIGUOUS_HOST: host prefix host1 matches 2 hosts: host1.bar.com, host1.foo.com; give more of the name');
});

test('HostResolverTest.testWithSearchPathDisambiguation: the earliest search domain wins', (t) => {
  t.is(resolved(resolveHostName('host1', ALL_HOSTS, SEARCH_PATH)), 'host1.bar.com');
  t.is(resolved(resolveHostName('ho', ALL_HOSTS, SEARCH_PATH)), 'host1.bar.com');
});

test('HostResolverTest.testAmbiguousWithSearchPathDisambiguation: one domain, two hosts', (t) => {
  const r = resolveHostName('ho', ['host1.foo.com', 'host2.foo.com'], SEARCH_PATH);
  t.true('error' in r);
  if ('error' in r) t.deepEqual(r.error.data, { host: 'ho', matches: ['host1.foo.com', 'host2.foo.com'] });
});

test('an exact name wins over the longer names it is a prefix of', (t) => {
  t.is(resolved(resolveHostName('web1', ['web1', 'web10', 'web11'], [])), 'web1');
  t.is(resolved(resolveHostName('web', ['web1', 'web10'], [])), 'AMBIGUOUS_HOST: host prefix web matches 2 hosts: web1, web10; give more of the name');
});

test('a search domain matches at a dot: xbar.com is not in bar.com', (t) => {
  t.is(resolved(resolveHostName('h', ['h.xbar.com', 'h.bar.com'], ['bar.com'])), 'h.bar.com');
});

test('short names are relative to the first search domain they are in (HostListCommandTest: host1.example.com)', (t) => {
  t.is(shortHostName('host1.example.com', ['example.com']), 'host1');
  t.is(shortHostName('web1.prod.example.com', ['prod.example.com', 'example.com']), 'web1');
  t.is(shortHostName('web1.prod.example.com', ['example.com', 'prod.example.com']), 'web1.prod');
  t.is(shortHostName('host1.example.com', []), 'host1.example.com', 'Helios: host1.example.com. (absolute); ours as registered');
  t.is(shortHostName('example.com', ['example.com']), 'example.com', 'the domain itself stays');
});

test('the search list: LOCALDOMAIN, else the last search or domain line of resolv.conf', (t) => {
  t.deepEqual(searchDomainsOf('nameserver 10.0.0.1\nsearch corp.example.com example.com.\n'), ['corp.example.com', 'example.com']);
  t.deepEqual(searchDomainsOf('search a.example\ndomain b.example\n'), ['b.example']);
  t.deepEqual(searchDomainsOf('nameserver 10.0.0.1\n'), []);
  t.deepEqual(searchDomainsOf('search a.example\n', 'x.example  y.example'), ['x.example', 'y.example']);
  t.deepEqual(searchDomainsOf('search .\n'), []);
});
