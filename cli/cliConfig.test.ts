/**
 * Helios' CliConfigTest replayed on readCliConfig: the same outcomes for HELIOS_MASTER, the file and
 * the two together (HOME is a temp dir holding .helios/config).
 */
import test from 'ava';
import { join } from 'node:path';
import { heliosHome } from '../test/harness/heliosHome.js';
import { readCliConfig } from './cliConfig.js';

const ENDPOINTS = ['http://master-a1.nyc.com:80', 'http://master-a2.nyc.com:80', 'http://master-a3.nyc.com:80'];
const SITES = ['foo', 'bar', 'baz'];

const home = heliosHome;

test('CliConfigTest.testSite: HELIOS_MASTER=domain://foo is the domain foo and no endpoint', (t) => {
  const config = readCliConfig({ HOME: home(t), HELIOS_MASTER: 'domain://foo' });
  t.deepEqual(config, { masterEndpoints: [], domains: ['foo'], srvName: 'helios' });
});

test('CliConfigTest.testHttp: HELIOS_MASTER=http://… is that endpoint and no domain', (t) => {
  const config = readCliConfig({ HOME: home(t), HELIOS_MASTER: 'http://localhost:5801' });
  t.deepEqual(config, { masterEndpoints: ['http://localhost:5801'], domains: [], srvName: 'helios' });
});

test('CliConfigTest.testConfigFromFile: masterEndpoints, domains and srvName from ~/.helios/config', (t) => {
  const config = readCliConfig({ HOME: home(t, JSON.stringify({ masterEndpoints: ENDPOINTS, domains: SITES, srvName: 'foo' })) });
  t.deepEqual(config, { masterEndpoints: ENDPOINTS, domains: SITES, srvName: 'foo' });
});

test('CliConfigTest.testConfigFromFileWithInvalidJson: a file that is not JSON is an error naming it', (t) => {
  const dir = home(t, `{"masterEndpoints":["${ENDPOINTS[0]}"], "domains":["foo"], "srvName":"foo"`);
  const error = t.throws(() => readCliConfig({ HOME: dir }));
  t.true(error.message.startsWith(`${join(dir, '.helios', 'config')} is not valid JSON: `), error.message);
});

test('CliConfigTest.testMixtureOfFileAndEnv: HELIOS_MASTER replaces the file\'s endpoints; its srvName stays', (t) => {
  const config = readCliConfig({ HOME: home(t, '{"masterEndpoints":["http://localhost:5801"], "srvName":"foo"}'), HELIOS_MASTER: 'domain://foo' });
  t.deepEqual(config, { masterEndpoints: [], domains: ['foo'], srvName: 'foo' });
});

test('no file, an empty one and unknown keys are no configuration (Helios ignores unknown keys)', (t) => {
  const none = { masterEndpoints: [], domains: [], srvName: 'helios' };
  t.deepEqual(readCliConfig({ HOME: home(t) }), none);
  t.deepEqual(readCliConfig({ HOME: home(t, '') }), none);
  t.deepEqual(readCliConfig({ HOME: home(t, '{"colour": "blue"}') }), none);
});

test('a key of the wrong type, a master that is not a URL and a HELIOS_MASTER of another scheme are errors naming them', (t) => {
  t.throws(() => readCliConfig({ HOME: home(t, '{"domains": "foo"}') }), { message: /: domains must be a list of strings, got "foo"$/ });
  t.throws(() => readCliConfig({ HOME: home(t, '{"masterEndpoints": ["master:5801"]}') }), { message: /: masterEndpoints has 'master:5801': expected http/ });
  t.throws(() => readCliConfig({ HOME: home(t, '{"srvName": 7}') }), { message: /: srvName must be a non-empty string, got 7$/ });
  t.throws(() => readCliConfig({ HOME: home(t, '[]') }), { message: /must hold a JSON object/ });
  t.deepEqual(readCliConfig({ HOME: home(t), HELIOS_MASTER: 'http://a:1,http://b:2' }).masterEndpoints, ['http://a:1', 'http://b:2']);
  t.throws(() => readCliConfig({ HOME: home(t), HELIOS_MASTER: 'ftp://m' }), { message: /^HELIOS_MASTER=ftp:\/\/m is not a master: expected http/ });
});
