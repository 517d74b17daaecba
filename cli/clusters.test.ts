/**
 * Helios' CliParserTest (computeTargets) replayed on clustersOf: which clusters a command line names,
 * in Helios' order of precedence. Where ours differs on purpose (several -z are the masters of one
 * cluster, fail-over, not one cluster each) the test says so.
 */
import test from 'ava';
import { heliosHome } from '../test/harness/heliosHome.js';
import { clustersOf, splitDomains } from './clusters.js';

const ENDPOINTS = ['http://master-a1.nyc.com:80', 'http://master-a2.nyc.com:80', 'http://master-a3.nyc.com:80'];
const DOMAINS = ['foo', 'bar', 'baz'];
const srv = (domain: string, name = 'helios') => ({ name: domain, srv: { name, domain } });

const homeWith = heliosHome;

test('testComputeTargetsSingleEndpoint: one -z is that master', (t) => {
  t.deepEqual(clustersOf({ masters: [ENDPOINTS[0]], domains: [] }, { HOME: homeWith(t) }), [{ name: ENDPOINTS[0], masters: [ENDPOINTS[0]] }]);
});

test('testComputeTargetsMultipleEndpoints: -z wins over -d; ours makes the three one cluster (fail-over), Helios three', (t) => {
  t.deepEqual(clustersOf({ masters: ENDPOINTS, domains: [DOMAINS.join(',')] }, { HOME: homeWith(t) }),
    [{ name: ENDPOINTS.join(', '), masters: ENDPOINTS }]);
});

test('testComputeTargetsSingleDomain and MultiDomain: -d foo is one SRV cluster, -d foo,bar,baz three, srvName helios', (t) => {
  const env = { HOME: homeWith(t) };
  t.deepEqual(clustersOf({ masters: [], domains: ['foo'] }, env), [srv('foo')]);
  t.deepEqual(clustersOf({ masters: [], domains: [DOMAINS.join(',')] }, env), DOMAINS.map((d) => srv(d)));
});

test('testComputeTargetsMultipleEndpointsFromConfig: the file\'s endpoints win over its domains', (t) => {
  const env = { HOME: homeWith(t, { masterEndpoints: ENDPOINTS, domains: [DOMAINS[0]] }) };
  t.deepEqual(clustersOf({ masters: [], domains: [] }, env), [{ name: ENDPOINTS.join(', '), masters: ENDPOINTS }]);
});

test('testComputeTargetsMultipleDomainsFromConfig: the file\'s domains, one SRV cluster each', (t) => {
  const env = { HOME: homeWith(t, { domains: DOMAINS }) };
  t.deepEqual(clustersOf({ masters: [], domains: [] }, env), DOMAINS.map((d) => srv(d)));
});

test('-d wins over HELIOS_MASTER and the file; --srv-name over the file\'s srvName, which is kept otherwise', (t) => {
  const env = { HOME: homeWith(t, { masterEndpoints: ENDPOINTS, srvName: 'from-file' }), HELIOS_MASTER: 'http://env:5801' };
  t.deepEqual(clustersOf({ masters: [], domains: ['foo'] }, env), [srv('foo', 'from-file')]);
  t.deepEqual(clustersOf({ masters: [], domains: ['foo'], srvName: 'flag' }, env), [srv('foo', 'flag')]);
  t.deepEqual(clustersOf({ masters: [], domains: [] }, env), [{ name: 'http://env:5801', masters: ['http://env:5801'] }]);
  t.deepEqual(clustersOf({ masters: [], domains: [] }, { ...env, HELIOS_MASTER: 'domain://site' }), [srv('site', 'from-file')]);
});

test('with nothing given ours talks to the local master (Helios: "no masters specified", exit 1)', (t) => {
  t.deepEqual(clustersOf({ masters: [], domains: [] }, { HOME: homeWith(t) }), [{ name: 'http://127.0.0.1:5801', masters: ['http://127.0.0.1:5801'] }]);
});

test('domains: comma-separated and repeatable, each once, none empty; -d naming none is an error', (t) => {
  t.deepEqual(splitDomains(['a,b', 'b,,c', ' d ']), ['a', 'b', 'c', 'd']);
  t.throws(() => clustersOf({ masters: [], domains: [','] }, { HOME: homeWith(t) }), { message: /-d\/--domains names no domain/ });
});
