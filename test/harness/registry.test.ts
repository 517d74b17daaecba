import test from 'ava';
import { dockerClient } from './agent.js';
import { startRegistry } from './registry.js';

/** A pull through the test's engine; resolves with the engine's error message, or '' when it worked. */
async function pull(ref: string, auth?: { username: string; password: string }): Promise<string> {
  const docker = dockerClient();
  try {
    const stream = await docker.pull(ref, auth ? { authconfig: { ...auth, serveraddress: ref.split('/')[0] } } : {});
    await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err: Error | null, out: Array<{ error?: string }>) => {
      const failed = out?.find((o) => o.error);
      if (err || failed) reject(err ?? new Error(failed!.error)); else resolve();
    }));
    await docker.getImage(ref).remove();
    return '';
  } catch (err) {
    return (err as { json?: { message?: string } }).json?.message ?? (err as Error).message;
  }
}

test('the registry serves a pushed image to the right password only, and takes a new password at once', async (t) => {
  const registry = await startRegistry({ alice: 'first-password' });
  t.teardown(registry.close);
  t.regex(registry.host, /^127\.0\.0\.1:\d+$/);
  const ref = await registry.push('busybox:latest', 'private/busybox:1', 'alice');
  t.is(ref, `${registry.host}/private/busybox:1`);

  t.regex(await pull(ref), /no basic auth credentials/);
  t.regex(await pull(ref, { username: 'alice', password: 'wrong' }), /unauthorized: authentication required/);
  t.is(await pull(ref, { username: 'alice', password: 'first-password' }), '');

  await registry.setPassword('alice', 'second-password');
  t.regex(await pull(ref, { username: 'alice', password: 'first-password' }), /unauthorized/);
  t.is(await pull(ref, { username: 'alice', password: 'second-password' }), '');
});
