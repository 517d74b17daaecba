// examples/pulumi run under pulumi.runtime.setMocks, whose newResource hands every resource's inputs
// (with the serialized provider in `__provider`) to the real dynamic-provider host: the example's job
// and deployment are created on a real master and run on a real agent and Docker engine.
import test from 'ava';
import * as pulumi from '@pulumi/pulumi';
import { fileURLToPath } from 'node:url';
import { startTestMaster } from './harness/master.js';
import { startTestAgent } from './harness/agent.js';
import { waitFor } from './harness/processes.js';
import { startProviderHost } from './harness/pulumiHost.js';

const exampleDir = fileURLToPath(new URL('../examples/pulumi/', import.meta.url));
const project = 'helios-example';

const valueOf = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));

test('the example stack creates its job and a RUNNING deployment through the dynamic-provider host', async (t) => {
  const master = await startTestMaster();
  t.teardown(master.close);
  const agent = await startTestAgent(t, master);
  await waitFor(async () => (await master.client.hosts.list()).includes(agent.name), { timeoutMs: 20_000, message: 'agent registered' });
  // The host runs where `pulumi up` would run it: in the program's directory.
  const host = await startProviderHost({ cwd: exampleDir, project, env: { HELIOS_MASTER: '', HELIOS_TOKEN: '' } });
  t.teardown(host.stop);
  await host.configure({ 'helios:master': master.url });

  const created: Array<{ urn: string; id: string; properties: Record<string, unknown> }> = [];
  const seen: Array<{ type: string; name: string; providerText: boolean }> = [];
  await pulumi.runtime.setMocks({
    async newResource(args) {
      const resourceUrn = `urn:pulumi:test::${project}::${args.type}::${args.name}`;
      seen.push({ type: args.type, name: args.name, providerText: typeof args.inputs.__provider === 'string' && args.inputs.__provider.includes('exports.handler') });
      const { inputs, failures } = await host.check(resourceUrn, {}, args.inputs);
      if (failures.length > 0) throw new Error(`check failed: ${JSON.stringify(failures)}`);
      const { id, properties } = await host.create(resourceUrn, inputs);
      created.push({ urn: resourceUrn, id, properties });
      return { id, state: properties };
    },
    call: async () => ({}),
  }, project, 'test', false);
  pulumi.runtime.setAllConfig({ [`${project}:host`]: agent.name });

  const program = await import('../examples/pulumi/index.js');
  const jobId = await valueOf(program.jobId);
  const state = await valueOf(program.state);
  const httpPort = await valueOf(program.httpPort);

  t.deepEqual(seen, [
    { type: 'pulumi-nodejs:dynamic/helios:Job', name: 'web', providerText: true },
    { type: 'pulumi-nodejs:dynamic/helios:Deployment', name: 'web-on-host', providerText: true },
  ]);
  t.regex(jobId, /^web:1:[0-9a-f]{40}$/);
  t.is(state, 'RUNNING');
  t.true(typeof httpPort === 'number' && httpPort >= 20000, `allocated port ${httpPort}`);
  const stored = await master.client.jobs.get(jobId);
  t.is(stored.owner, `pulumi:${project}/test`, 'owned by the stack the program runs as');
  const status = await master.client.jobs.status(jobId);
  t.like(status.deployments[agent.name], { goal: 'START', owner: `pulumi:${project}/test` });
  t.is(status.taskStatuses[agent.name].state, 'RUNNING');

  // `pulumi destroy` order: dependents first.
  for (const resource of created.reverse()) await host.delete(resource.urn, resource.id, resource.properties);
  t.deepEqual(await master.client.jobs.list(), {});
});
