/**
 * The Docker engine solo's agent uses: the one named (--docker-host, else DOCKER_HOST, else
 * /var/run/docker.sock) when it answers; otherwise, where solo may (engineAdvice.ts), a private
 * dockerd it starts and stops itself, as `npm test` does (the code in docker/ is shared with
 * test/env). A crashed solo's daemon is cleaned up by the next one that starts a daemon. The details
 * (and apt-get's output) go to logs/docker.log; the terminal gets one line.
 */
import { appendFileSync, closeSync, openSync } from 'node:fs';
import type { Output } from '../output.js';
import { BUSYBOX_IMAGE, ensureBusyboxImage } from './docker/busyboxImage.js';
import { imageExists, probeDocker, pullImage } from './docker/dockerApi.js';
import { startDockerd } from './docker/dockerd.js';
import { BUSYBOX_PATH, ensureDockerPackages, isStaticElf } from './docker/install.js';
import type { Log } from './docker/log.js';
import { noEngineAdvice, whyNoPrivateEngine, type MachineFacts } from './engineAdvice.js';
import { machineFacts } from './machineFacts.js';
import { withSpinner } from '../spinner.js';

export interface SoloEngine {
  dockerHost: string;
  /** True for the dockerd solo started: it stops with solo, and its containers with it. */
  private: boolean;
  stop(): Promise<void>;
}

export type EngineChoice =
  | { kind: 'answers'; dockerHost: string }
  | { kind: 'private'; tried: string; reason: string; facts: MachineFacts }
  | { kind: 'none'; advice: string[] };

/** The pull that tells whether a registry answers; a machine without a network fails it at once. */
const PULL_TIMEOUT_MS = 20_000;

/** Decides without starting anything: `command` is how the user ran solo, for the advice. */
export async function chooseEngine(dockerHost: string, command: string, facts: () => MachineFacts = machineFacts): Promise<EngineChoice> {
  const reason = await probeDocker(dockerHost);
  if (reason === null) return { kind: 'answers', dockerHost };
  const known = facts();
  if (whyNoPrivateEngine(known) !== null) return { kind: 'none', advice: noEngineAdvice({ dockerHost, reason, facts: known, command }) };
  return { kind: 'private', tried: dockerHost, reason, facts: known };
}

/** Installs docker.io first when dockerd is missing (Debian, root: chooseEngine checked). */
export async function startPrivateEngine(choice: Extract<EngineChoice, { kind: 'private' }>, logFile: string, out: Output): Promise<SoloEngine> {
  const install = choice.facts.dockerd ? '' : ' (installing docker.io and busybox-static with apt-get first: a minute or two)';
  out.info(`no Docker engine answers at ${choice.tried}: starting a private dockerd${install}, stopped with solo; details in ${logFile}`);
  const log = fileLog(logFile);
  log(`${choice.tried}: ${choice.reason}`);
  if (!choice.facts.dockerd) await withSpinner('installing docker.io and busybox-static', () => withFd(logFile, (fd) => ensureDockerPackages(log, fd)));
  const daemon = await withSpinner('starting dockerd', () => startDockerd({ log }));
  return { dockerHost: daemon.dockerHost, private: true, stop: daemon.stop };
}

/**
 * busybox:latest, the image of the sample job (jobs/hello.yaml): when the engine lacks it and no
 * registry answers a pull, solo imports one built from a static /bin/busybox (busybox-static,
 * installed when root on Debian), as `npm test` does, and says so. Never throws: without the image
 * the sample's task says IMAGE_MISSING, and solo runs on.
 */
export async function ensureSampleImage(dockerHost: string, logFile: string, out: Output): Promise<void> {
  const log = fileLog(logFile);
  try {
    if (await imageExists(dockerHost, BUSYBOX_IMAGE)) return;
    const pullError = await pullImage(dockerHost, BUSYBOX_IMAGE, PULL_TIMEOUT_MS);
    if (pullError === null) return;
    log(`pulling ${BUSYBOX_IMAGE}: ${pullError}`);
    const facts = machineFacts();
    if (!isStaticElf(BUSYBOX_PATH) && !(facts.root && facts.apt)) {
      out.info(`${BUSYBOX_IMAGE} (the sample job's image) is not on ${dockerHost} and no registry answers (${pullError}): `
        + `install busybox-static (a static ${BUSYBOX_PATH}) and solo imports one, or docker pull it where a registry answers`);
      return;
    }
    out.info(`${BUSYBOX_IMAGE} (the sample job's image) is not on ${dockerHost} and no registry answers: importing one built from ${BUSYBOX_PATH} (busybox-static)`);
    await withSpinner(`importing ${BUSYBOX_IMAGE}`, () => withFd(logFile, (fd) => ensureBusyboxImage(dockerHost, log, fd)));
  } catch (err) {
    out.info(`could not import ${BUSYBOX_IMAGE}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)} (more in ${logFile})`);
    log(`importing ${BUSYBOX_IMAGE}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function fileLog(file: string): Log {
  return (message) => appendFileSync(file, `${new Date().toISOString()} ${message}\n`);
}

async function withFd<T>(file: string, use: (fd: number) => Promise<T>): Promise<T> {
  const fd = openSync(file, 'a');
  try {
    return await use(fd);
  } finally {
    closeSync(fd);
  }
}
