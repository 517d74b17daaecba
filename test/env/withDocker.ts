/**
 * Runs a command against a Docker engine: `tsx test/env/withDocker.ts <command> [args…]`.
 * Uses DOCKER_HOST when it answers, otherwise starts a private dockerd for the run and stops it
 * afterwards. Makes sure the busybox test image exists, sets DOCKER_HOST for the command and exits
 * with the command's exit code (wrapper.ts).
 */
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBusyboxImage } from '../../cli/solo/docker/busyboxImage.js';
import { ensureDockerEngine } from './dockerEngine.js';
import { log } from './log.js';
import { runWrapped } from './wrapper.js';

runWrapped('test/env/withDocker.ts', log, async (interrupted) => {
  const engine = await ensureDockerEngine();
  try {
    if (!interrupted()) await ensureBusyboxImage(engine.dockerHost, log);
  } catch (err) {
    await engine.stop();
    throw err;
  }
  const localBin = fileURLToPath(new URL('../../node_modules/.bin', import.meta.url));
  return { env: { ...process.env, DOCKER_HOST: engine.dockerHost, PATH: `${localBin}${delimiter}${process.env.PATH ?? ''}` }, stop: engine.stop };
});
