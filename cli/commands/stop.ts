import { defineCommand } from '../command.js';
import { goalHelp, goalOptions, setGoal } from '../setGoal.js';
import { expectPositionals } from '../usage.js';

export default defineCommand({
  name: 'stop',
  synopsis: 'stop JOB HOST… [--token T] [--force]',
  summary: 'stop a deployed job on hosts (goal STOP; it stays deployed)',
  help: goalHelp('Stopping', 'STOP'),
  options: goalOptions,
  async run(args) {
    expectPositionals(this, args.positionals, 2, Infinity);
    return setGoal(args, 'STOP', 'Stopping');
  },
});
