import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import type { BoundPort } from '../docker/containerSpec.js';
import { runHealthCheck } from './healthCheck.js';
import { probeHost } from './probeHost.js';

const noExec = async () => 0;
const port = (ip: string, externalPort: number): BoundPort => ({ internalPort: 80, externalPort, ip, protocol: 'tcp' });

async function listening(host: string): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

test('a port published on every address is probed on the loopback; a loopback or local address as it is', (t) => {
  const local = () => new Set(['10.1.2.3', 'fe80::1']);
  t.deepEqual(probeHost(undefined, local), { host: '127.0.0.1' });
  t.deepEqual(probeHost('0.0.0.0', local), { host: '127.0.0.1' });
  t.deepEqual(probeHost('::', local), { host: '127.0.0.1' });
  t.deepEqual(probeHost('127.0.0.2', local), { host: '127.0.0.2' });
  t.deepEqual(probeHost('::1', local), { host: '::1' });
  t.deepEqual(probeHost('10.1.2.3', local), { host: '10.1.2.3' });
});

test('a port ip that is not an address of this host is never probed: the job author would choose where the agent sends requests', async (t) => {
  t.deepEqual(probeHost('192.0.2.7', () => new Set(['10.1.2.3'])), { refused: '192.0.2.7 is not an address of this host: the agent probes only its own addresses' });
  for (const type of ['http', 'tcp'] as const) {
    const check = type === 'http' ? { type, port: 'http', path: '/' } : { type, port: 'http' };
    const result = await runHealthCheck(check, { containerId: 'c', ports: { http: port('192.0.2.7', 80) }, exec: noExec });
    t.deepEqual(result, { ok: false, message: 'not probed: ports.http.ip 192.0.2.7 is not an address of this host: the agent probes only its own addresses' }, type);
  }
});

test('http and tcp checks reach a server on a loopback address, IPv6 too', async (t) => {
  for (const host of ['127.0.0.1', '::1']) {
    const { server, port: p } = await listening(host);
    t.teardown(() => new Promise<void>((resolve) => { server.close(() => resolve()); }));
    const ports = { http: port(host, p) };
    t.like(await runHealthCheck({ type: 'http', port: 'http', path: '/' }, { containerId: 'c', ports, exec: noExec }), { ok: true }, host);
    t.like(await runHealthCheck({ type: 'tcp', port: 'http' }, { containerId: 'c', ports, exec: noExec }), { ok: true }, host);
  }
});
