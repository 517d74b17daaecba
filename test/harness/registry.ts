/**
 * A private Docker registry for tests: Debian's `docker-registry` (distribution 2.8) as a plain process
 * on 127.0.0.1 (port 0, the address read from its log), storage in a temp dir, htpasswd (bcrypt,
 * `htpasswd -B` of apache2-utils) auth. Plain HTTP is enough: the Docker engine treats 127.0.0.0/8 as
 * an insecure registry by default. Images are pushed with the docker CLI through the test's engine,
 * logged in by a docker config of the harness's own (never the user's ~/.docker).
 * @example
 *   const registry = await startRegistry({ alice: 's3cret' }); t.teardown(registry.close);
 *   const image = await registry.push('busybox:latest', 'private/busybox:1', 'alice'); // 127.0.0.1:PORT/private/busybox:1
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findProgram, run } from '../../cli/solo/docker/exec.js';
import { dockerHost } from './agent.js';
import { spawnProcess, tempDir } from './processes.js';

export interface TestRegistry {
  /** `127.0.0.1:PORT`, as image references and docker configs name it. */
  host: string;
  /** Adds a user or changes a password; the registry re-reads its htpasswd file when it changes. */
  setPassword(user: string, password: string): Promise<void>;
  /**
   * Tags a local image as `host/name` and pushes it as `user`, then drops the local tag, so the engine
   * must pull it again (its layers stay when another tag holds them). Resolves with the reference.
   */
  push(localImage: string, name: string, user: string): Promise<string>;
  /**
   * Builds `busybox:latest` plus one layer of `bytes` random (incompressible) bytes and pushes it as
   * `name`, then removes it from the engine: a pull must download that layer. Resolves with the reference.
   */
  pushLargeImage(name: string, bytes: number, user: string): Promise<string>;
  /** A docker config (its folder) that logs `user` in with `password`, as `docker login` writes it. */
  dockerConfig(user: string, password: string, dir: string): Promise<string>;
  /** The registry's log so far (tests look for secrets in it). */
  readonly log: string;
  close(): Promise<void>;
}

const PACKAGES_HINT = 'apt-get install -y docker-registry apache2-utils (.ci/run does)';

function program(name: string): string {
  const path = findProgram(name);
  if (!path) throw new Error(`${name} is not installed: ${PACKAGES_HINT}`);
  return path;
}

/** `auths` entry of a docker config: base64 of `user:password`, as `docker login` stores it. */
export const basicAuth = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');

export async function startRegistry(users: Record<string, string>): Promise<TestRegistry> {
  const registryBin = program('docker-registry');
  const htpasswdBin = program('htpasswd');
  const dockerBin = program('docker');
  const dir = await tempDir('helios-registry-');
  const htpasswd = join(dir.path, 'htpasswd');
  const passwords = new Map<string, string>();
  const setPassword = async (user: string, password: string) => {
    const create = passwords.size === 0 ? ['-c'] : [];
    await run(htpasswdBin, ['-B', '-b', ...create, htpasswd, user, password]);
    passwords.set(user, password);
  };
  for (const [user, password] of Object.entries(users)) await setPassword(user, password);
  const config = join(dir.path, 'config.yml');
  await writeFile(config, [
    'version: 0.1',
    'log: {level: info, accesslog: {disabled: true}}',
    `storage: {filesystem: {rootdirectory: ${join(dir.path, 'data')}}, delete: {enabled: true}}`,
    'http: {addr: "127.0.0.1:0"}',
    `auth: {htpasswd: {realm: helios-test, path: ${htpasswd}}}`,
    '',
  ].join('\n'));
  const server = spawnProcess(registryBin, ['serve', config]);
  let host: string;
  try {
    [, host] = await server.waitForOutput(/listening on (127\.0\.0\.1:\d+)/);
  } catch (err) {
    await server.kill();
    await dir.cleanup();
    throw err;
  }
  const pushConfig = join(dir.path, 'push-config');
  const docker = (args: string[]) => run(dockerBin, args, { env: { ...process.env, DOCKER_HOST: dockerHost(), DOCKER_CONFIG: pushConfig } });

  const registry: TestRegistry = {
    host,
    setPassword,
    async dockerConfig(user, password, configDir) {
      await mkdir(configDir, { recursive: true });
      await writeFile(join(configDir, 'config.json'), JSON.stringify({ auths: { [host]: { auth: basicAuth(user, password) } } }), { mode: 0o600 });
      return configDir;
    },
    async push(localImage, name, user) {
      const password = passwords.get(user);
      if (password === undefined) throw new Error(`no registry user ${user}`);
      await registry.dockerConfig(user, password, pushConfig);
      const ref = `${host}/${name}`;
      await docker(['tag', localImage, ref]);
      await docker(['push', ref]);
      await docker(['rmi', ref]);
      return ref;
    },
    async pushLargeImage(name, bytes, user) {
      const context = join(dir.path, 'build');
      await mkdir(context, { recursive: true });
      await writeFile(join(context, 'blob'), randomBytes(bytes));
      await writeFile(join(context, 'Dockerfile'), 'FROM busybox:latest\nCOPY blob /blob\n');
      const local = `helios-test-large-${randomBytes(4).toString('hex')}:1`;
      // The classic builder: nothing to install beyond docker.io, and busybox:latest is local only.
      await run(dockerBin, ['build', '-q', '-t', local, context],
        { env: { ...process.env, DOCKER_HOST: dockerHost(), DOCKER_CONFIG: pushConfig, DOCKER_BUILDKIT: '0' } });
      await rm(context, { recursive: true, force: true });
      try {
        return await registry.push(local, name, user);
      } finally {
        await docker(['rmi', local]);
      }
    },
    get log() { return server.stdout + server.stderr; },
    async close() {
      await server.kill();
      await dir.cleanup();
    },
  };
  return registry;
}
