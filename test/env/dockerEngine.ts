import { pingDocker } from './dockerApi.js';
import { startDockerd } from './dockerd.js';
import { ensureDockerPackages } from './install.js';
import { log } from './log.js';

export { dockerRequest, imageExists, parseDockerHost, pingDocker } from './dockerApi.js';
export { TEST_IMAGE, ensureBusyboxImage, ensureBusyboxImage as ensureImage } from './busyboxImage.js';
export { cleanupStaleDaemons, startDockerd } from './dockerd.js';

export interface DockerEngine {
  /** What to put in DOCKER_HOST, e.g. `unix:///tmp/hdk-Ab12Cd/docker.sock`. */
  dockerHost: string;
  /** True when this call started a private daemon (and `stop` will end it). */
  started: boolean;
  stop(): Promise<void>;
}

/**
 * A reachable Docker engine: `DOCKER_HOST` when it answers `/_ping`, otherwise a private dockerd
 * (installing docker.io and busybox-static first when missing).
 * @example
 * const engine = await ensureDockerEngine();
 * try { await ensureImage(engine.dockerHost); … } finally { await engine.stop(); }
 */
export async function ensureDockerEngine(opts: { readyTimeoutMs?: number } = {}): Promise<DockerEngine> {
  const given = process.env.DOCKER_HOST;
  if (given) {
    if (await pingDocker(given)) {
      log(`using DOCKER_HOST=${given}`);
      return { dockerHost: given, started: false, stop: async () => {} };
    }
    log(`DOCKER_HOST=${given} does not answer /_ping: starting a private dockerd`);
  }
  await ensureDockerPackages();
  const daemon = await startDockerd(opts);
  return { dockerHost: daemon.dockerHost, started: true, stop: daemon.stop };
}
