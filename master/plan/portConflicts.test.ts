import test from 'ava';
import type { Job } from '../../core/index.js';
import { createPortIndex, staticPorts } from './portConflicts.js';

const job = (id: string, ports: Job['ports'] = {}): Pick<Job, 'id' | 'ports'> => ({ id, ports });
const http = (externalPort?: number, protocol?: 'tcp' | 'udp') => ({ http: { internalPort: 80, externalPort, protocol } });

test('static ports are the ones with an external port above 0, tcp by default', (t) => {
  t.deepEqual(staticPorts(job('a', { ...http(8080), dyn: { internalPort: 81 }, zero: { internalPort: 82, externalPort: 0 } })),
    [{ name: 'http', port: 8080, protocol: 'tcp' }]);
});

test('the index finds a port added on the same host and protocol, and nothing elsewhere', (t) => {
  const ports = createPortIndex();
  ports.add('h1', job('a', http(8080)));
  t.deepEqual(ports.find('h1', job('b', http(8080))), { jobId: 'a', port: 8080, protocol: 'tcp' });
  t.is(ports.find('h2', job('b', http(8080))), null, 'another host');
  t.is(ports.find('h1', job('b', http(8080, 'udp'))), null, 'another protocol');
  t.is(ports.find('h1', job('b', http(8081))), null, 'another port');
  t.is(ports.find('h1', job('b', http())), null, 'a dynamic port');
  t.is(ports.find('h1', job('a', http(8080))), null, 'a job never conflicts with itself');
});

test('the index asks `existing` for what is deployed, and prefers it over what was added', (t) => {
  const asked: string[] = [];
  const ports = createPortIndex((host, protocol, port) => {
    asked.push(`${host} ${protocol}:${port}`);
    return host === 'h1' && port === 9000 ? ['old'] : [];
  });
  ports.add('h1', job('new', http(9000)));
  t.deepEqual(ports.find('h1', job('x', http(9000))), { jobId: 'old', port: 9000, protocol: 'tcp' });
  t.deepEqual(ports.find('h1', job('old', http(9000))), { jobId: 'new', port: 9000, protocol: 'tcp' }, 'itself skipped, then the added one');
  t.deepEqual(asked, ['h1 tcp:9000', 'h1 tcp:9000']);
});

test('checking 5,000 jobs on one host stays linear', (t) => {
  const ports = createPortIndex();
  const start = performance.now();
  let conflicts = 0;
  for (let i = 0; i < 5000; i++) {
    const j = job(`j${i}`, { a: { internalPort: 1, externalPort: 10_000 + i }, b: { internalPort: 2, externalPort: 20_000 + (i % 4999) } });
    if (ports.find('h1', j)) conflicts++;
    ports.add('h1', j);
  }
  t.is(conflicts, 1, 'only the last job reuses a b port (20,000)');
  t.true(performance.now() - start < 2000, `${(performance.now() - start).toFixed(0)} ms`);
});
