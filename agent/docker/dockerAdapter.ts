import Docker from 'dockerode';
import type { ContainerCreateOptions } from 'dockerode';
import { AGENT_LABEL, JOB_LABEL, STOP_TIMEOUT_LABEL } from './labels.js';
import { dockerConnection } from './dockerHost.js';
import { DockerError, translateDockerError } from './errors.js';
import type { RegistryAuth } from '../registry/registryAuth.js';
import type { PullEvent } from './pullProgress.js';
import type { EngineImage } from '../imageGc/selectImages.js';

/** One container labelled for this agent, as listed. */
export interface ObservedContainer {
  id: string;
  name: string;
  jobId: string;
  running: boolean;
  /** Seconds since the epoch (Docker's `Created`). */
  created: number;
  /** The job's kill wait recorded on the container (`helios.stop-timeout`); absent on older agents' ones. */
  stopTimeoutS?: number;
}

export interface ContainerDetails {
  id: string;
  running: boolean;
  /** ms since the epoch; 0 when never started. */
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  error: string;
  /** The image reference it was created from, as given (`busybox:latest`). */
  image: string;
  labels: Record<string, string>;
  portBindings: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null>;
}

export interface DockerEvent {
  action: string;
  containerId: string;
  jobId: string | undefined;
  /** The container's name, without Docker's leading slash. */
  name: string;
  /** Seconds since the epoch, as Docker's `Created` (0 when the event has none). */
  time: number;
  stopTimeoutS?: number;
}

export interface EventSubscription { close(): void }

/** Told of every call as it ends: its kind (`pull`, `create`, …), its seconds, and its error if it failed. */
export type DockerCallObserver = (op: string, seconds: number, err: DockerError | undefined) => void;

export interface DockerTimeouts {
  /** Most calls (inspect, create, start, remove, list). */
  callMs: number;
  pullMs: number;
  /** Added to a stop's own grace period. */
  stopSlackMs: number;
}

const defaultTimeouts: DockerTimeouts = { callMs: 15_000, pullMs: 300_000, stopSlackMs: 15_000 };

/** A `helios.stop-timeout` label's seconds; anything but a whole number of seconds counts as none. */
const stopTimeout = (labels: Record<string, string> | undefined) => {
  const text = labels?.[STOP_TIMEOUT_LABEL];
  return text !== undefined && /^\d{1,12}$/.test(text) ? { stopTimeoutS: Number(text) } : {};
};

const toMs = (iso: string | undefined) => {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) && t > 0 ? t : 0;
};

/**
 * The agent's only door to Docker: every call has its own timeout and throws a typed `DockerError`
 * keeping dockerode's error as `cause`. Nothing here decides anything.
 */
export function createDockerAdapter(dockerHost: string, agentName: string, timeouts: Partial<DockerTimeouts> = {}, onCall?: DockerCallObserver) {
  const t = { ...defaultTimeouts, ...timeouts };
  const docker = new Docker(dockerConnection(dockerHost));
  const agentFilter = `${AGENT_LABEL}=${agentName}`;

  /** `op` names the kind of call (metrics), `subject` what it was about (the error's text: `pull busybox:1`). */
  async function call<T>(op: string, timeoutMs: number, fn: (abortSignal: AbortSignal) => Promise<T>, subject?: string): Promise<T> {
    const abortSignal = AbortSignal.timeout(timeoutMs);
    const started = performance.now();
    try {
      const result = await fn(abortSignal);
      onCall?.(op, (performance.now() - started) / 1000, undefined);
      return result;
    } catch (err) {
      const translated = translateDockerError(subject === undefined ? op : `${op} ${subject}`, err, timeoutMs);
      onCall?.(op, (performance.now() - started) / 1000, translated);
      throw translated;
    }
  }

  return {
    dockerHost,

    version: () => call('version', 5_000, async (abortSignal) => {
      const v = await (docker.version as (o: object) => Promise<Docker.DockerVersion>)({ abortSignal });
      return { version: v.Version, apiVersion: v.ApiVersion };
    }),

    /** Every container (running or not) labelled for this agent. */
    listContainers: () => call('list', t.callMs, async (abortSignal): Promise<ObservedContainer[]> => {
      const list = await docker.listContainers({ all: true, filters: { label: [agentFilter] }, abortSignal } as object);
      return list.filter((c) => c.Labels?.[AGENT_LABEL] === agentName && c.Labels?.[JOB_LABEL]).map((c) => ({
        id: c.Id,
        name: (c.Names?.[0] ?? '').replace(/^\//, ''),
        jobId: c.Labels[JOB_LABEL],
        running: c.State === 'running',
        created: c.Created,
        ...stopTimeout(c.Labels),
      }));
    }),

    inspect: (id: string) => call('inspect', t.callMs, async (abortSignal): Promise<ContainerDetails> => {
      const info = await docker.getContainer(id).inspect({ abortSignal } as object);
      return {
        id: info.Id,
        running: info.State.Running,
        startedAt: toMs(info.State.StartedAt),
        finishedAt: toMs(info.State.FinishedAt),
        exitCode: info.State.ExitCode,
        error: info.State.Error ?? '',
        image: info.Config.Image,
        labels: info.Config.Labels ?? {},
        portBindings: (info.HostConfig.PortBindings ?? {}) as ContainerDetails['portBindings'],
      };
    }),

    /**
     * Pulls and follows the progress stream to its end: errors inside the stream are errors too. `auth`
     * goes to the engine in X-Registry-Auth (dockerode keeps it out of the URL); `onEvent` gets each line.
     */
    pull: (ref: string, o: { auth?: RegistryAuth; onEvent?: (event: PullEvent) => void } = {}) => call('pull', t.pullMs, async (abortSignal) => {
      const stream = await docker.pull(ref, { abortSignal, ...(o.auth && { authconfig: o.auth }) });
      await new Promise<void>((resolve, reject) => {
        docker.modem.followProgress(stream, (err: Error | null, output: Array<{ error?: string }>) => {
          const failed = output?.find((line) => line.error);
          if (err) reject(err);
          else if (failed) reject(Object.assign(new Error(failed.error), { json: { message: failed.error } }));
          else resolve();
        }, o.onEvent);
      });
    }, ref),

    /** The id of the image a reference names on the engine. */
    imageId: (ref: string) => call('inspect image', t.callMs, async (abortSignal) => {
      const info = await docker.getImage(ref).inspect({ abortSignal } as object) as { Id: string };
      return info.Id;
    }, ref),

    /** Every image on the engine (not the intermediate layers of builds). */
    listImages: () => call('list images', t.callMs, async (abortSignal): Promise<EngineImage[]> => {
      const list = await docker.listImages({ abortSignal } as object);
      return list.map((i) => ({
        id: i.Id,
        tags: (i.RepoTags ?? []).filter((r) => r !== '<none>:<none>'),
        digests: (i.RepoDigests ?? []).filter((r) => r !== '<none>@<none>'),
        created: i.Created,
      }));
    }),

    /** The image ids of every container on the engine, whoever made it, running or not. */
    containerImageIds: () => call('list', t.callMs, async (abortSignal) => {
      const list = await docker.listContainers({ all: true, abortSignal } as object);
      return new Set(list.map((c) => c.ImageID));
    }),

    /**
     * `docker rmi` without force: a tag is untagged (the image goes with its last tag), an id removed;
     * the engine refuses while any container uses the image. One already gone is fine.
     */
    removeImage: (refOrId: string) => call('remove image', t.callMs, async (abortSignal) => {
      try {
        await docker.getImage(refOrId).remove({ abortSignal } as object);
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return;
        throw err;
      }
    }, refOrId),

    create: (spec: ContainerCreateOptions) => call('create', t.callMs, async (abortSignal) => {
      const container = await docker.createContainer({ ...spec, abortSignal } as ContainerCreateOptions);
      return container.id;
    }),

    start: (id: string) => call('start', t.callMs, async (abortSignal) => {
      await docker.getContainer(id).start({ abortSignal } as object);
    }),

    /** `docker stop -t`; a container already stopped is fine. */
    stop: (id: string, waitSeconds: number) => call('stop', waitSeconds * 1000 + t.stopSlackMs, async (abortSignal) => {
      try {
        await docker.getContainer(id).stop({ t: waitSeconds, abortSignal } as object);
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 304) return;
        throw err;
      }
    }),

    /** Removes a container (and its anonymous volumes); one already gone is fine. */
    remove: (id: string) => call('remove', t.callMs, async (abortSignal) => {
      try {
        await docker.getContainer(id).remove({ force: true, v: true, abortSignal } as object);
      } catch (err) {
        const code = (err as { statusCode?: number }).statusCode;
        if (code === 404 || (code === 409 && /already in progress/.test(String((err as Error).message)))) return;
        throw err;
      }
    }),

    /** Runs a command in the container; resolves with its exit code. */
    exec: (id: string, cmd: string[], timeoutMs: number) => call('exec', timeoutMs, async (abortSignal) => {
      const exec = await docker.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, abortSignal } as object);
      const stream = await exec.start({ hijack: true, stdin: false, abortSignal } as object);
      // Aborting does not close a hijacked socket: a command that never ends would hold the health
      // check (and so the task) for ever. Destroy the stream when the time is up.
      let onAbort = () => {};
      await new Promise<void>((resolve, reject) => {
        onAbort = () => { stream.destroy(); reject(abortSignal.reason); };
        if (abortSignal.aborted) return onAbort();
        abortSignal.addEventListener('abort', onAbort, { once: true });
        stream.on('end', resolve);
        stream.on('close', resolve);
        stream.on('error', reject);
        stream.resume();
      }).finally(() => abortSignal.removeEventListener('abort', onAbort));
      const info = await exec.inspect({ abortSignal } as object);
      return info.ExitCode ?? -1;
    }),

    /**
     * Follows Docker's event stream for this agent's containers. `onEvent` gets each container event;
     * `onEnd` is called once when the stream ends or fails (the caller reconnects).
     */
    events: async (onEvent: (e: DockerEvent) => void, onEnd: (err?: DockerError) => void): Promise<EventSubscription> => {
      const controller = new AbortController();
      // The timeout covers opening the stream only: a signal that stays armed would cut a healthy
      // stream after callMs (it did: "Docker unreachable" every 17 s, events missed for 2 s each time).
      const connectTimer = setTimeout(() => controller.abort(), t.callMs);
      let stream: NodeJS.ReadableStream;
      try {
        stream = await docker.getEvents({
          filters: { type: ['container'], label: [agentFilter] },
          abortSignal: controller.signal,
        } as object) as NodeJS.ReadableStream;
      } catch (err) {
        throw translateDockerError('events', err, t.callMs);
      } finally {
        clearTimeout(connectTimer);
      }
      let buffer = '';
      let ended = false;
      const end = (err?: unknown) => {
        if (ended) return;
        ended = true;
        onEnd(err && !controller.signal.aborted ? translateDockerError('events', err) : undefined);
      };
      stream.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (!line) continue;
          try {
            const e = JSON.parse(line) as { Action?: string; status?: string; id?: string; time?: number; Actor?: { ID?: string; Attributes?: Record<string, string> } };
            const attrs = e.Actor?.Attributes ?? {};
            if (attrs[AGENT_LABEL] !== agentName) continue;
            onEvent({
              action: e.Action ?? e.status ?? '',
              containerId: e.Actor?.ID ?? e.id ?? '',
              jobId: attrs[JOB_LABEL],
              name: (attrs.name ?? '').replace(/^\//, ''),
              time: typeof e.time === 'number' ? e.time : 0,
              ...stopTimeout(attrs),
            });
          } catch {
            // A malformed line is skipped: the periodic resync catches up on anything missed.
          }
        }
      });
      stream.on('end', () => end());
      stream.on('close', () => end());
      stream.on('error', (err) => end(err));
      return { close: () => { ended = true; controller.abort(); (stream as unknown as { destroy?: () => void }).destroy?.(); } };
    },
  };
}

export type DockerAdapter = ReturnType<typeof createDockerAdapter>;
export { DockerError };
