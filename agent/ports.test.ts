import { createServer, type AddressInfo } from 'node:net';
import test from 'ava';
import { allocatePorts, portIsFree } from './ports.js';

test('allocation skips ports reserved by other tasks and ports bound on the host', async (t) => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const busy = (server.address() as AddressInfo).port;
  t.false(await portIsFree(busy, '127.0.0.1'));
  const range = { start: busy - 2, end: busy + 2 };
  const ports = await allocatePorts(2, range, new Set([busy - 2]), '127.0.0.1');
  t.deepEqual(ports.sort(), [busy - 1, busy + 1].filter((p) => p !== busy).sort());
  await t.throwsAsync(allocatePorts(3, range, new Set([busy - 2]), '127.0.0.1'), { message: /no free port left/ });
});
