import { defineCommand } from '../command.js';
import { goalHelp, goalOptions, setGoal } from '../setGoal.js';
import { expectPositionals } from '../usage.js';
import { commandMeta } from '../registry.js';

export default defineCommand({
  ...commandMeta('start'),
  help: goalHelp('Starting', 'START'),
  options: goalOptions,
  async run(args) {
    expectPositionals(this, args.positionals, 2, Infinity);
    return setGoal(args, 'START', 'Starting');
  },
});
