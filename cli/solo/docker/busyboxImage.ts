import { chmod, copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { imageExists } from './dockerApi.js';
import { findProgram, run } from './exec.js';
import { BUSYBOX_PATH, ensureDockerPackages, isStaticElf } from './install.js';
import type { Log } from './log.js';

/** The image every test job and solo's sample job run: with no registry to pull it from, it is imported locally. */
export const BUSYBOX_IMAGE = 'busybox:latest';

/** Applets the tests rely on; every other applet the binary lists is linked as well. */
const REQUIRED_APPLETS = ['sh', 'httpd', 'sleep', 'echo', 'cat', 'ls', 'nc', 'wget', 'env', 'true', 'false', 'kill', 'date',
  'printf', 'test', '[', 'mkdir', 'rm', 'touch', 'id', 'hostname', 'ps', 'grep', 'tail', 'head', 'wc', 'seq'];

const pending = new Map<string, Promise<void>>();

/**
 * Makes sure the engine has the busybox image, importing it from /bin/busybox when missing (installing
 * busybox-static first when that is not a static binary; apt's output to `aptOutput`). Concurrent
 * callers in one process share one import.
 * @example await ensureBusyboxImage(process.env.DOCKER_HOST!, log)
 */
export function ensureBusyboxImage(dockerHost: string, log: Log, aptOutput?: Writable | number): Promise<void> {
  let job = pending.get(dockerHost);
  if (!job) {
    job = ensureImage(dockerHost, BUSYBOX_IMAGE, log, aptOutput);
    pending.set(dockerHost, job);
    job.catch(() => pending.delete(dockerHost));
  }
  return job;
}

/** The busybox image as `ref` on the engine, imported when missing (ensureBusyboxImage's, with the ref a test gives). */
export async function ensureImage(dockerHost: string, ref: string, log: Log, aptOutput?: Writable | number): Promise<void> {
  if (await imageExists(dockerHost, ref)) return;
  log(`image ${ref} missing: importing it from ${BUSYBOX_PATH}`);
  if (!isStaticElf(BUSYBOX_PATH)) await ensureDockerPackages(log, aptOutput);
  const docker = findProgram('docker');
  if (!docker) throw new Error('the docker CLI is not installed (Debian\'s docker.io provides it)');
  const staging = await mkdtemp(join(tmpdir(), 'bbimg-'));
  try {
    const rootfs = join(staging, 'rootfs');
    await buildRootfs(rootfs);
    await importTar(docker, dockerHost, rootfs, ref);
    log(`imported ${ref}`);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function buildRootfs(rootfs: string): Promise<void> {
  for (const dir of ['bin', 'etc', 'root', 'tmp', 'var', 'www']) await mkdir(join(rootfs, dir), { recursive: true });
  await chmod(join(rootfs, 'tmp'), 0o1777);
  await copyFile(BUSYBOX_PATH, join(rootfs, 'bin', 'busybox'));
  await chmod(join(rootfs, 'bin', 'busybox'), 0o755);
  const listed = (await run(BUSYBOX_PATH, ['--list'])).stdout.split('\n').map((name) => name.trim());
  const applets = new Set([...REQUIRED_APPLETS, ...listed].filter((name) => name && name !== 'busybox' && !name.includes('/')));
  for (const applet of applets) await symlink('busybox', join(rootfs, 'bin', applet));
  await writeFile(join(rootfs, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
  await writeFile(join(rootfs, 'etc', 'group'), 'root:x:0:\nnobody:x:65534:\n');
}

/** `tar -c rootfs | docker import -`, with the system tar and the docker CLI, piped by zx (either failing fails it, with its stderr). */
async function importTar(docker: string, dockerHost: string, rootfs: string, ref: string): Promise<void> {
  const { $ } = await import('zx/core');
  const quiet = $({ quiet: true, env: { ...process.env, DOCKER_HOST: dockerHost } });
  try {
    await quiet`tar --numeric-owner --owner=0 --group=0 -C ${rootfs} -cf - .`.pipe(quiet`${docker} import --change ${'CMD ["/bin/sh"]'} - ${ref}`);
  } catch (err) {
    const failed = err as { exitCode: number | null; stderr: string };
    throw new Error(`tar | docker import exited with ${failed.exitCode}: ${failed.stderr.trim()}`, { cause: err });
  }
}
