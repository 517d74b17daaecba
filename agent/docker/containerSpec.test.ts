import test from 'ava';
import type { Job } from '../../core/index.js';
import { boundPortsFromContainer, containerSpec, type BoundPorts } from './containerSpec.js';
import { containerName } from './labels.js';

const job: Job = {
  id: 'web:1:2a89d5a87851d68678aabdad38d31faa296f5bf1',
  image: 'busybox:latest',
  hostname: 'web-host',
  command: ['httpd', '-f'],
  env: { GREETING: 'hi', SHARED: 'job' },
  ports: { http: { internalPort: 8080, externalPort: 18080, protocol: 'tcp' }, dns: { internalPort: 53, protocol: 'udp' } },
  registration: {},
  volumes: { '/data': '/srv/data', '/cfg:ro': '/etc/app', '/named': 'myvol', '/scratch': '' },
  ramdisks: { '/tmp': 'rw,size=64m' },
  resources: { memory: 64 * 1024 * 1024, memorySwap: 128 * 1024 * 1024, cpuShares: 512, cpuset: '0' },
  addCapabilities: ['NET_ADMIN'],
  dropCapabilities: ['MKNOD'],
  securityOpt: ['no-new-privileges'],
  networkMode: 'bridge',
  labels: { team: 'infra', 'helios.agent': 'spoofed' },
  runtime: 'runc',
  init: true,
};
const ports: BoundPorts = {
  http: { internalPort: 8080, externalPort: 18080, protocol: 'tcp', ip: '127.0.0.1' },
  dns: { internalPort: 53, externalPort: 20001, protocol: 'udp', ip: '127.0.0.1' },
};
const ctx = { agent: 'agent-1', hostName: 'agent-1', agentEnv: { SHARED: 'agent', ZONE: 'a' } };

test('every job field reaches the create options', (t) => {
  const spec = containerSpec(job, ports, ctx);
  t.is(spec.name, 'helios-agent-1-web_1_2a89d5a87851');
  t.deepEqual(spec.Cmd, ['httpd', '-f']);
  t.deepEqual(spec.Env, ['HELIOS_PORT_http=agent-1:18080', 'HELIOS_PORT_dns=agent-1:20001', 'SHARED=job', 'ZONE=a', 'GREETING=hi']);
  t.is(spec.Hostname, 'web-host');
  t.deepEqual(spec.Labels, { team: 'infra', 'helios.agent': 'agent-1', 'helios.job': job.id });
  t.deepEqual(spec.ExposedPorts, { '8080/tcp': {}, '53/udp': {} });
  t.deepEqual(spec.Volumes, { '/scratch': {} });
  const h = spec.HostConfig!;
  t.deepEqual(h.PortBindings, { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '18080' }], '53/udp': [{ HostIp: '127.0.0.1', HostPort: '20001' }] });
  t.deepEqual(h.Binds, ['/srv/data:/data', '/etc/app:/cfg:ro', 'myvol:/named']);
  t.deepEqual(h.Tmpfs, { '/tmp': 'rw,size=64m' });
  t.deepEqual([h.Memory, h.MemorySwap, h.CpuShares, h.CpusetCpus], [64 * 1024 * 1024, 128 * 1024 * 1024, 512, '0']);
  t.deepEqual([h.CapAdd, h.CapDrop, h.SecurityOpt], [['NET_ADMIN'], ['MKNOD'], ['no-new-privileges']]);
  t.is(h.NetworkMode, 'bridge');
  t.is(h.Runtime, 'runc');
  t.true(h.Init);
});

test('no init process unless the job asks for one, as docker run and Helios', (t) => {
  const { init: _init, ...plain } = job;
  t.is(containerSpec(plain, ports, ctx).HostConfig!.Init, undefined);
  t.is(containerSpec({ ...job, init: false }, ports, ctx).HostConfig!.Init, undefined);
});

test('host networking publishes no ports', (t) => {
  const spec = containerSpec({ ...job, networkMode: 'host' }, ports, ctx);
  t.deepEqual(spec.HostConfig!.PortBindings, {});
});

test('the ports of an adopted container are read back from its bindings', (t) => {
  const bound = boundPortsFromContainer(job, { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '18080' }], '53/udp': [{ HostIp: '', HostPort: '20001' }] }, '0.0.0.0');
  t.deepEqual(bound.dns, { internalPort: 53, protocol: 'udp', ip: '0.0.0.0', externalPort: 20001 });
  t.is(bound.http.externalPort, 18080);
});

test('container names are sanitized to what Docker accepts', (t) => {
  t.regex(containerName('agent 1/ü', 'we b:v/1:abc'), /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/);
  t.is(containerName('_x', 'a:b:c'), 'helios-_x-a_b_c');
});
