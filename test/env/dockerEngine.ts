import { pingDocker } from '../../cli/solo/docker/dockerApi.js';
import { startDockerd } from '../../cli/solo/docker/dockerd.js';
import { ensureDockerPackages } from '../../cli/solo/docker/install.js';
import { log } from './log.js';

export interface DockerEngine {
  /** What to put in DOCKER_HOST, e.g. `unix:///tmp/hdk-Ab12Cd/docker.sock`. */
  dockerHost: string;
  /** True when this call started a private daemon (and `stop` will end it). */
  started: boolean;
  stop(): Promise<void>;
}

/**
 * A reachable Docker engine: `DOCKER_HOST` when it answers `/_ping`, otherwise a private dockerd
 * (installing docker.io and busybox-static first when missing). The daemon code is solo's
 * (cli/solo/docker/), which starts the same private engine for `npm start`.
 * @example
 * const engine = await ensureDockerEngine();
 * try { await ensureBusyboxImage(engine.dockerHost, log); … } finally { await engine.stop(); }
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
  await ensureDockerPackages(log);
  const daemon = await startDockerd({ ...opts, log });
  return { dockerHost: daemon.dockerHost, started: true, stop: daemon.stop };
}
