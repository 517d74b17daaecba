import test from 'ava';
import type { Job } from '../../core/index.js';
import { staticHostPorts } from './taskPorts.js';

const job = (fields: Partial<Job>): Job => ({ id: 'web:1:abc', image: 'busybox:latest', ...fields } as Job);

test('a job holds its static external ports whatever their address, and with host networking its internal ones', (t) => {
  t.deepEqual([...staticHostPorts(job({ ports: {
    http: { internalPort: 80, externalPort: 8080, ip: '127.0.0.1' },
    dns: { internalPort: 53, externalPort: 5353, protocol: 'udp' },
    dyn: { internalPort: 81 },
  } }))], ['8080/tcp', '5353/udp']);
  t.deepEqual([...staticHostPorts(job({ networkMode: 'host', ports: { http: { internalPort: 80 } } }))], ['80/tcp']);
  t.is(staticHostPorts(job({})).size, 0);
});
