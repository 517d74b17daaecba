import test from 'ava';
import type { Job } from '../../core/index.js';
import { boundPortsFromContainer, containerSpec, jobSpecHash, type BoundPorts } from './containerSpec.js';
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
  t.deepEqual(spec.Labels, {
    team: 'infra', 'helios.agent': 'agent-1', 'helios.job': job.id, 'helios.spec-hash': jobSpecHash(job, ctx), 'helios.stop-timeout': '120',
  });
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

test('a long name keeps a hash of agent and job at its end: two long names never collide, and stay within 200 characters', (t) => {
  const long = 'n'.repeat(190);
  const a = containerName('agent-1', `${long}:1:${'a'.repeat(40)}`);
  const b = containerName('agent-1', `${long}:2:${'b'.repeat(40)}`);
  const c = containerName('agent-2', `${long}:1:${'a'.repeat(40)}`);
  t.is(new Set([a, b, c]).size, 3, [a, b, c].join('\n'));
  for (const name of [a, b, c]) {
    t.is(name.length, 200);
    t.regex(name, /^helios-agent-[12]-n+-[0-9a-f]{12}$/);
  }
  t.is(containerName('agent-1', `web:1:${'a'.repeat(40)}`), 'helios-agent-1-web_1_aaaaaaaaaaaa', 'short names as before');
});

test('the job\'s kill wait is recorded on the container, for when it is reaped as an orphan', (t) => {
  t.is(containerSpec({ ...job, secondsToWaitBeforeKill: 45 }, ports, ctx).Labels!['helios.stop-timeout'], '45');
  t.is(containerSpec({ ...job, labels: { 'helios.stop-timeout': '1', 'helios.spec-hash': 'x' } }, ports, ctx).Labels!['helios.stop-timeout'], '120',
    'a job cannot fake the agent\'s records');
});

test('the spec hash follows the job, not what the agent decides at run time or the order of keys', (t) => {
  const hash = jobSpecHash(job, ctx);
  t.regex(hash, /^[0-9a-f]{64}$/);
  t.is(jobSpecHash(job, { ...ctx, agentEnv: { TOKEN: 'rotated' } }), hash, 'the agent\'s --env');
  const reordered: Job = { ...job, env: { SHARED: 'job', GREETING: 'hi' }, volumes: Object.fromEntries(Object.entries(job.volumes!).reverse()) };
  t.is(jobSpecHash(reordered, ctx), hash, 'key order');
  for (const [what, changed] of Object.entries<Job>({
    image: { ...job, image: 'busybox:1.36' },
    command: { ...job, command: ['httpd', '-f', '-v'] },
    env: { ...job, env: { ...job.env, GREETING: 'hello' } },
    'a static port': { ...job, ports: { ...job.ports, http: { internalPort: 8080, externalPort: 18081 } } },
    init: { ...job, init: false },
  })) t.not(jobSpecHash(changed, ctx), hash, what);
});
