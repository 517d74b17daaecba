import test from 'ava';
import type { Job } from '../../core/index.js';
import { containerSpec, jobSpecHash } from '../docker/containerSpec.js';
import { adoptionMismatch } from './adoptionCheck.js';

const job: Job = { id: 'web:1:2a89d5a87851d68678aabdad38d31faa296f5bf1', image: 'busybox:latest', command: ['sleep', '9'], env: {}, ports: {}, registration: {} };
const ctx = { agent: 'agent-1', hostName: 'agent-1', agentEnv: {} };
const made = containerSpec(job, {}, ctx);

test('a container the agent made of the job is adopted', (t) => {
  t.is(adoptionMismatch({ image: made.Image!, labels: made.Labels! }, job, ctx), null);
});

test('a container of the job\'s labels but another image is not', (t) => {
  t.is(adoptionMismatch({ image: 'sha256:0123', labels: made.Labels! }, job, ctx), 'its image is sha256:0123, the job\'s is busybox:latest');
});

test('a container whose recorded spec hash is not the job\'s is not: made by hand, or by an agent that translated the job otherwise', (t) => {
  const problem = adoptionMismatch({ image: 'busybox:latest', labels: { ...made.Labels!, 'helios.spec-hash': 'f'.repeat(64) } }, job, ctx);
  t.is(problem, `its create options differ from the job's (helios.spec-hash ffffffffffff, the job's ${jobSpecHash(job, ctx).slice(0, 12)})`);
});

test('a container of an agent from before the spec hash is held to its image only, so an upgrade restarts nothing', (t) => {
  const { 'helios.spec-hash': _hash, 'helios.stop-timeout': _stop, ...older } = made.Labels!;
  t.is(adoptionMismatch({ image: 'busybox:latest', labels: older }, job, ctx), null);
});
