import { defineCommand, type RunArgs } from '../command.js';
import { commandMeta } from '../registry.js';
import { boolFlag, expectPositionals } from '../usage.js';
import { HeliosError } from '../../core/errors/HeliosError.js';

export default defineCommand({
  ...commandMeta('exec'),
  help: `Runs CMD in JOB's running container on HOST, through the master and the host's agent (nothing
connects to the host itself), and exits with the command's exit code. Its output comes back on
stdout and stderr. It needs a token of role exec (or admin): it is a shell on a production
container, and the master records every exec in its audit log (who, which job and host, the command).
JOB is a job reference; HOST the host's exact name.
  -i, --interactive   pass this terminal's standard input to the command (else it reads an empty one)
  -t, --tty           give the command a terminal (with -i and a terminal here: raw keys, and the
                      window's size, kept as it is resized); its stderr then comes on stdout
Examples:
  helios exec web:1 host-a -- cat /etc/hostname
  helios exec web:1 host-a -it -- sh`,
  options: { interactive: { type: 'boolean', short: 'i' }, tty: { type: 'boolean', short: 't' } },
  commandAfter: () => 2,
  async run(args) {
    expectPositionals(this, args.positionals, 2);
    if (args.rest.length === 0) throw new HeliosError('INVALID_ARGUMENT', 'exec needs the command to run after --, e.g. helios exec JOB HOST -- sh');
    return execIn(args);
  },
});

async function execIn({ positionals, rest, flags, global }: RunArgs): Promise<number> {
  const [{ connect }, { resolveJob }, { runExec }] = await Promise.all([import('../connect.js'), import('../resolveJob.js'), import('../execSession.js')]);
  const { id } = await resolveJob(await connect(global), positionals[0]);
  const stdin = boolFlag(flags.interactive);
  const tty = boolFlag(flags.tty);
  const raw = tty && stdin && process.stdin.isTTY === true;
  try {
    return await runExec(global, {
      jobId: id, host: positionals[1], command: rest, tty, input: stdin ? process.stdin : undefined,
      size: tty && process.stdout.isTTY ? { cols: process.stdout.columns, rows: process.stdout.rows } : undefined,
    }, {
      output(stream, data, release) {
        const target = stream === 'stderr' ? process.stderr : process.stdout;
        if (target.write(data)) release();
        else target.once('drain', release);
      },
      started(control) {
        if (raw) process.stdin.setRawMode(true);
        if (tty) process.stdout.on('resize', () => control.resize(process.stdout.columns, process.stdout.rows));
      },
    });
  } finally {
    if (raw && process.stdin.isRaw) process.stdin.setRawMode(false);
    if (stdin) process.stdin.destroy();
  }
}
