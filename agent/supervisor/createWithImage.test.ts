import test from 'ava';
import { pino } from 'pino';
import { DockerError } from '../docker/errors.js';
import type { RegistryAuth } from '../registry/registryAuth.js';
import { createWithImage } from './createWithImage.js';
import { TaskSetbackError, type CredentialsFor } from './pullImage.js';
import type { PullPolicy } from './pullPolicy.js';

/** A fake engine that records the calls; `local` says whether it has the image, `registry` what a pull does. */
function engine(o: { local: boolean; registry: 'ok' | 'missing' | 'unreachable' }) {
  const calls: string[] = [];
  let local = o.local;
  return {
    calls,
    docker: {
      pull: async (ref: string, pulled: { auth?: RegistryAuth } = {}) => {
        calls.push(pulled.auth ? `pull as ${pulled.auth.username}` : 'pull');
        if (o.registry === 'missing') throw new DockerError('IMAGE_NOT_FOUND', 'manifest unknown', { op: `pull ${ref}`, statusCode: 404 });
        if (o.registry === 'unreachable') throw new DockerError('IMAGE_PULL_FAILED', 'connection refused', { op: `pull ${ref}` });
        local = true;
      },
      create: async () => {
        calls.push('create');
        if (!local) throw new DockerError('IMAGE_NOT_FOUND', 'No such image: x', { op: 'create', statusCode: 404 });
        return 'c1';
      },
    },
  };
}

async function create(policy: PullPolicy, image: string, e: ReturnType<typeof engine>, credentials: CredentialsFor = async () => undefined) {
  const states: string[] = [];
  const result = await createWithImage({
    docker: e.docker, credentials, image, policy, spec: async () => ({ Image: image }), onState: (s) => states.push(s), log: pino({ level: 'silent' }),
  }).catch((err: unknown) => err);
  return { result, states, calls: e.calls };
}

test('pull-if-missing with the image present: one create, no pull, no image inspect', async (t) => {
  const r = await create('missing', 'app:1', engine({ local: true, registry: 'ok' }));
  t.is(r.result, 'c1');
  t.deepEqual(r.calls, ['create']);
  t.deepEqual(r.states, ['PULLING_IMAGE', 'CREATING']);
});

test('pull-if-missing with the image absent: the create says so, then pull and create again', async (t) => {
  const r = await create('missing', 'app:1', engine({ local: false, registry: 'ok' }));
  t.is(r.result, 'c1');
  t.deepEqual(r.calls, ['create', 'pull', 'create']);
  t.deepEqual(r.states, ['PULLING_IMAGE', 'CREATING', 'PULLING_IMAGE', 'CREATING']);
});

test('an image missing locally and in the registry is IMAGE_MISSING; a registry away is IMAGE_PULL_FAILED', async (t) => {
  for (const policy of ['missing', 'always'] as const) {
    const missing = await create(policy, 'app:1', engine({ local: false, registry: 'missing' }));
    t.true(missing.result instanceof TaskSetbackError, policy);
    t.is((missing.result as TaskSetbackError).kind, 'imageMissing');
    t.regex((missing.result as Error).message, /image not found: app:1/);
    const away = await create(policy, 'app:1', engine({ local: false, registry: 'unreachable' }));
    t.is((away.result as TaskSetbackError).kind, 'imagePullFailed', policy);
  }
});

test('pull always asks the registry first; a failed pull is fine when the image is present locally', async (t) => {
  const ok = await create('always', 'app:1', engine({ local: true, registry: 'ok' }));
  t.deepEqual(ok.calls, ['pull', 'create']);
  const offline = await create('always', 'app:1', engine({ local: true, registry: 'unreachable' }));
  t.is(offline.result, 'c1');
  t.deepEqual(offline.calls, ['pull', 'create']);
  t.deepEqual(offline.states, ['PULLING_IMAGE', 'CREATING']);
});

test('auto pulls :latest first and takes a pinned tag from the engine when present', async (t) => {
  t.deepEqual((await create('auto', 'busybox:latest', engine({ local: true, registry: 'ok' }))).calls, ['pull', 'create']);
  t.deepEqual((await create('auto', 'busybox', engine({ local: true, registry: 'ok' }))).calls, ['pull', 'create']);
  t.deepEqual((await create('auto', 'busybox:1.36', engine({ local: true, registry: 'ok' }))).calls, ['create']);
});

test('errors of the create other than a missing image are thrown as they are', async (t) => {
  const conflict = new DockerError('NAME_CONFLICT', 'name in use', { op: 'create', statusCode: 409 });
  const err = await createWithImage({
    docker: { pull: async () => {}, create: async () => { throw conflict; } },
    credentials: async () => undefined,
    image: 'app:1', policy: 'missing', spec: async () => ({}), onState: () => {}, log: pino({ level: 'silent' }),
  }).catch((e: unknown) => e);
  t.is(err, conflict);
});

test('each pull asks for credentials and hands them to the engine; credentials that cannot be had fail the pull', async (t) => {
  let asked = 0;
  const alice = async (image: string) => {
    asked++;
    return { serveraddress: image.split('/')[0], username: 'alice', password: 'pw' };
  };
  const pulled = await create('always', 'reg.example:5000/app:1', engine({ local: false, registry: 'ok' }), alice);
  t.is(pulled.result, 'c1');
  t.deepEqual(pulled.calls, ['pull as alice', 'create']);
  t.is(asked, 1);

  const helperDown: CredentialsFor = async () => { throw new Error('credential helper docker-credential-x is not on PATH'); };
  const failed = await create('missing', 'reg.example:5000/app:1', engine({ local: false, registry: 'ok' }), helperDown);
  t.is((failed.result as TaskSetbackError).kind, 'imagePullFailed');
  t.is((failed.result as Error).message, 'image pull failed: reg.example:5000/app:1: credential helper docker-credential-x is not on PATH');
  t.deepEqual(failed.calls, ['create']);
  const present = await create('always', 'reg.example:5000/app:1', engine({ local: true, registry: 'ok' }), helperDown);
  t.is(present.result, 'c1', 'pull always: the local image is used as when the registry is away');
});
