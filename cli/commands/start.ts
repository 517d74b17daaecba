import { defineCommand } from '../command.js';
import { goalHelp, goalOptions, setGoal } from '../setGoal.js';
import { expectPositionals } from '../usage.js';

export default defineCommand({
  name: 'start',
  synopsis: 'start JOB HOST… [--token T] [--force]',
  summary: 'start a deployed job on hosts (goal START)',
  help: goalHelp('Starting', 'START'),
  options: goalOptions,
  async run(args) {
    expectPositionals(this, args.positionals, 2, Infinity);
    return setGoal(args, 'START', 'Starting');
  },
});
