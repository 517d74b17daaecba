import { HeliosError } from '../../core/errors/HeliosError.js';
import { defineCommand } from '../command.js';
import { connect } from '../connect.js';
import { aboutGroup, groupStatusText, unknownGroup } from '../deploymentGroupView.js';
import { utcTimestamp } from '../format.js';
import { searchDomains } from '../searchDomains.js';
import { boolFlag, expectPositionals, secondsFlag } from '../usage.js';
import { commandMeta } from '../registry.js';

/** Helios' line width: the dashes and the timestamp fill 80 columns. */
const WIDTH = 80;

export default defineCommand({
  ...commandMeta('watch-deployment-group'),
  help: `Prints 'Control-C to stop', then every --interval seconds a line of dashes ending with the time
([YYYY-MM-DD HH:mm:ss UTC]) and the status block of helios deployment-group-status NAME. Stops on
Ctrl-C (exit 0), or when the group is removed ('Deployment group NAME removed', exit 0). An
unknown NAME is 'Unknown deployment group: NAME' (exit 1).
  -f                   full host names and job ids
  --interval SECONDS   refresh period (default 1)
--json: the status as deployment-group-status --json prints it, one object a line, each time`,
  oneCluster: true,
  options: { f: { type: 'boolean', short: 'f' }, interval: { type: 'string' } },
  async run({ positionals, flags, global, out, env }) {
    expectPositionals(this, positionals, 1);
    const [name] = positionals;
    const intervalMs = secondsFlag(flags.interval, 'interval', 1) * 1000;
    const full = boolFlag(flags.f);
    const client = await connect(global);
    const view = { full, domains: full ? [] : await searchDomains(env) };
    const stopped = new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    let stop = false;
    void stopped.then(() => { stop = true; });
    if (!out.json) out.print('Control-C to stop');
    for (let first = true; !stop; first = false) {
      const status = await statusOrGone(aboutGroup(client.deploymentGroups.status(name), unknownGroup(name)), first);
      if (status === undefined) {
        out.info(`Deployment group ${name} removed`);
        return 0;
      }
      if (out.json) {
        out.print(JSON.stringify(status));
      } else {
        const stamp = ` [${utcTimestamp(Date.now()).slice(0, 19)} UTC]`;
        out.print(`${'-'.repeat(WIDTH - stamp.length)}${stamp}`);
        out.print(await groupStatusText(out, status, view));
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([stopped, new Promise((resolve) => { timer = setTimeout(resolve, intervalMs); })]);
      clearTimeout(timer);
    }
    return 0;
  },
});

/** The status; undefined once a group seen before is gone (an unknown group at the first look is an error). */
async function statusOrGone<T>(call: Promise<T>, first: boolean): Promise<T | undefined> {
  try {
    return await call;
  } catch (err) {
    if (!first && err instanceof HeliosError && err.code === 'DEPLOYMENT_GROUP_NOT_FOUND') return undefined;
    throw err;
  }
}
