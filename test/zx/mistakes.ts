/**
 * What helios/zx's types refuse: each line below must fail to compile (tsc reports an unused
 * @ts-expect-error otherwise). Compiled by test/zx.types.test.ts. Never run.
 */
import { connect } from 'helios/zx';

const h = await connect();
// @ts-expect-error: not a task state
await h.waitFor('web:1', 'web1', 'RUNING');
// @ts-expect-error: hosts are names, not a number
await h.deploy('web:1', 1);
// @ts-expect-error: no such deploy option
await h.deploy('web:1', 'web1', { goal: 'START' });
// @ts-expect-error: not an error code
h.isError(new Error('x'), 'TIMEOUT');
// @ts-expect-error: a spec needs an image of type string
await h.create({ name: 'web', version: '1', image: 7 });
// @ts-expect-error: rolling-update options are typed (parallelism is a number)
await h.deploymentGroups.rollingUpdate('web:1', 'web', { parallelism: '2' });
// @ts-expect-error: a watched change is a TaskStatusEvent, whose status has no 'phase'
for await (const change of h.watch('web:1')) console.log(change.status.phase);
// @ts-expect-error: connect takes no port option
await connect({ port: 5801 });
