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
// @ts-expect-error: a log record is a line or an event: `line` is there only once narrowed
for await (const record of h.logs('web:1')) console.log(record.line);
// @ts-expect-error: stream is 'stdout' or 'stderr' (none for both), not 'both'
for await (const record of h.logs('web:1', { stream: 'both' })) console.log(record);
// @ts-expect-error: tail is a number of lines
for await (const record of h.logs('web:1', { tail: '10' })) console.log(record);
// @ts-expect-error: exec's command is its words, not one string for a shell
await h.exec('web:1', 'web1', 'cat /etc/hostname');
// @ts-expect-error: exec's output is text, not Buffers
const _bytes: Buffer = (await h.exec('web:1', 'web1', ['id'])).stdout;
// @ts-expect-error: exec has no tty option (a script has no terminal to lend)
await h.exec('web:1', 'web1', ['sh'], { tty: true });
