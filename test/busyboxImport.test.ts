/**
 * The busybox image `npm test` and `helios solo` import when no registry answers (tar of a rootfs
 * piped into `docker import` by zx), on the session's real engine under a ref of its own.
 */
import test from 'ava';
import { ensureImage } from '../cli/solo/docker/busyboxImage.js';
import { run } from '../cli/solo/docker/exec.js';
import { dockerClient, dockerHost, uniqueName } from './harness/agent.js';

test('the image is imported from /bin/busybox and runs its applets; a failing program says its exit code and stderr', async (t) => {
  const ref = `${uniqueName('helios-bb')}:latest`;
  const docker = dockerClient();
  t.teardown(() => docker.getImage(ref).remove({ force: true }).catch(() => {}));
  const logged: string[] = [];
  await ensureImage(dockerHost(), ref, (line) => logged.push(line));
  t.deepEqual(logged, [`image ${ref} missing: importing it from /bin/busybox`, `imported ${ref}`]);
  const inspected = await docker.getImage(ref).inspect();
  t.deepEqual(inspected.Config.Cmd, ['/bin/sh']);
  const echoed = await run('docker', ['run', '--rm', ref, 'sh', '-c', 'echo "$(id -u) $0"'], { env: { ...process.env, DOCKER_HOST: dockerHost() } });
  t.is(echoed.stdout, '0 sh\n');

  await t.throwsAsync(run('sh', ['-c', 'echo nope >&2; exit 3']), { message: 'sh -c echo nope >&2; exit 3 failed: exit code 3\nnope' });
  await t.throwsAsync(run('sleep', ['5'], { timeoutMs: 200 }), { message: /^sleep 5 failed: killed by SIGTERM/ });
});
