// The providers as Pulumi stores them: serialized to text with pulumi.runtime.serializeFunction, rebuilt
// from that text in a program directory (as the dynamic-provider host does), then run against a real master.
import test from 'ava';
import type { dynamic } from '@pulumi/pulumi';
import { startTestMaster } from './harness/master.js';
import { loadSerializedProvider, pulumiProgramDir, serializeProvider } from './harness/pulumiHost.js';
import * as shipped from 'helios/provider';
import * as source from '../provider/index.js';

const variants = [
  { label: 'shipped (dist/)', jobs: shipped.jobProvider, deployments: shipped.deploymentProvider, registry: shipped.registryCredentialProvider, groups: shipped.deploymentGroupProvider },
  { label: 'TypeScript source', jobs: source.jobProvider, deployments: source.deploymentProvider, registry: source.registryCredentialProvider, groups: source.deploymentGroupProvider },
];
const configOf = (values: Record<string, string>) => ({ config: { get: (key: string) => values[key], require: (key: string) => values[key] } });

for (const variant of variants) {
  test(`${variant.label}: the providers serialize to small self-contained text (no captured module, client or SDK)`, async (t) => {
    for (const provider of [variant.jobs, variant.deployments, variant.registry, variant.groups]) {
      const text = await serializeProvider(provider);
      t.true(text.length < 40_000, `serialized provider is ${text.length} chars`);
      t.notRegex(text, /require\(/, 'nothing is required by path: core is imported at run time');
      t.notRegex(text, /@pulumi|grpc|Symbol\(|\[__Kind\]/);
      t.regex(text, /await import\(specifier\)/);
    }
  });

  test(`${variant.label}: providers rebuilt from their text run check, diff, create, read, update, delete on a real master`, async (t) => {
    const master = await startTestMaster();
    t.teardown(master.close);
    const program = pulumiProgramDir();
    t.teardown(program.remove);
    await master.client.hosts.register('h1', 'h1-id');
    const jobs = loadSerializedProvider<dynamic.ResourceProvider>(await serializeProvider(variant.jobs), program.dir, 'jobs');
    const deployments = loadSerializedProvider<dynamic.ResourceProvider>(await serializeProvider(variant.deployments), program.dir, 'deployments');
    t.not(jobs, variant.jobs);
    t.deepEqual(Object.keys(jobs).sort(), ['check', 'configure', 'create', 'delete', 'diff', 'read', 'update']);
    t.deepEqual(Object.keys(deployments).sort(), ['check', 'configure', 'create', 'delete', 'diff', 'read', 'update']);
    await jobs.configure!(configOf({ 'helios:master': master.url }));
    await deployments.configure!(configOf({ 'helios:master': master.url }));

    const owner = 'pulumi:helios-test/test';
    const inputs = { name: 'web', version: '1', image: 'busybox', command: ['sleep', '300'], ports: { http: { internalPort: 8080 } }, owner };
    t.deepEqual((await jobs.check!({}, { ...inputs, ports: { http: { internalPort: 70000 } } })).failures,
      [{ property: 'ports', reason: 'ports.http.internalPort: must be between 0 and 65535' }]);
    const { id: jobId, outs: jobOuts } = await jobs.create(inputs);
    t.regex(jobId, /^web:1:[0-9a-f]{40}$/);
    t.is((await master.client.jobs.get(jobId)).owner, owner);
    t.deepEqual(await jobs.diff!(jobId, jobOuts, { ...inputs, image: 'docker.io/library/busybox:latest' }), { changes: false });
    t.deepEqual(await jobs.diff!(jobId, jobOuts, { ...inputs, version: '2' }), { changes: true, replaces: ['version'], deleteBeforeReplace: false });
    t.deepEqual(await jobs.read!(jobId, jobOuts), { id: jobId, props: jobOuts });

    const { inputs: deployInputs } = await deployments.check!({}, { job: jobId, host: 'h1', goal: 'STOP', owner });
    const { id, outs } = await deployments.create(deployInputs);
    t.is(id, `h1/${jobId}`);
    t.like((await master.client.deployments.get('h1', jobId)), { goal: 'STOP', owner });
    t.deepEqual(await deployments.diff!(id, outs, { ...deployInputs, goal: 'START' }), { changes: true, replaces: [], deleteBeforeReplace: false });
    const err = await t.throwsAsync(deployments.update!(id, outs, { ...deployInputs, goal: 'START', timeoutSeconds: 1 }));
    t.like(err as unknown as Record<string, unknown>, { id, reasons: [err!.message] });
    t.regex(err!.message, /did not reach RUNNING within 1 s/);
    const { outs: stopped } = await deployments.update!(id, outs, { ...deployInputs, goal: 'STOP' });
    t.like(stopped, { goal: 'STOP', jobId });
    t.is((await master.client.deployments.get('h1', jobId)).goal, 'STOP');

    await deployments.delete!(id, outs);
    t.deepEqual(await deployments.read!(id, outs), {});
    await jobs.delete!(jobId, jobOuts);
    t.deepEqual(await jobs.read!(jobId, jobOuts), {});
  });
}

// The trap the round trip above guards against: it serializes without complaint and fails only when run.
function diff(before: unknown, after: unknown) {
  return { changes: before !== after };
}

test('a helper named like a provider method serializes, then fails when rebuilt: the round trip catches it', async (t) => {
  const trap = { async diff(_id: string, olds: unknown, news: unknown) { return diff(olds, news); } };
  t.deepEqual(await trap.diff('x', 1, 2), { changes: true });
  const program = pulumiProgramDir();
  t.teardown(program.remove);
  const rebuilt = loadSerializedProvider<typeof trap>(await serializeProvider(trap), program.dir, 'trap');
  await t.throwsAsync(rebuilt.diff('x', 1, 2), { message: 'diff is not defined' });
});
