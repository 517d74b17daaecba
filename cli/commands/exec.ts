import { defineCommand, type RunArgs } from '../command.js';
import { commandMeta } from '../registry.js';
import { boolFlag, expectPositionals } from '../usage.js';
import { HeliosError } from '../../core/errors/HeliosError.js';
import { isErrorCode } from '../../core/errors/codes.js';

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
  const [{ connect }, { resolveJob }, { openMasterSocket }, { Mux }, { Channel }] = await Promise.all([
    import('../connect.js'), import('../resolveJob.js'), import('../masterStream.js'),
    import('../../core/channel/mux.js'), import('../../core/channel/frames.js')]);
  const client = await connect(global);
  const { id } = await resolveJob(client, positionals[0]);
  const host = positionals[1];
  const stdin = boolFlag(flags.interactive);
  const tty = boolFlag(flags.tty);
  const raw = tty && stdin && process.stdin.isTTY === true;
  const q = new URLSearchParams({ host });
  for (const word of rest) q.append('command', word);
  if (tty) q.set('tty', 'true');
  if (stdin) q.set('stdin', 'true');
  if (tty && process.stdout.isTTY) {
    q.set('cols', String(process.stdout.columns));
    q.set('rows', String(process.stdout.rows));
  }
  let exit: number | null = null;
  let resolve!: (code: number) => void;
  let reject!: (err: unknown) => void;
  const ended = new Promise<number>((res, rej) => { resolve = res; reject = rej; });
  const restore = () => {
    if (raw) process.stdin.setRawMode(false);
    if (stdin) process.stdin.destroy();
  };
  await openMasterSocket(global, `/jobs/${encodeURIComponent(id)}/exec?${q}`, (ws) => {
    ws.once('close', () => reject(new HeliosError('MASTER_UNREACHABLE', 'the master closed the exec before the command ended')));
    new Mux(ws as never, {
      parity: 0,
      onOpen: (stream) => {
        stream.onData((channel, data, release) => {
          const target = channel === Channel.STDERR ? process.stderr : process.stdout;
          if (target.write(data)) release();
          else target.once('drain', release);
        });
        stream.on('message', (body: { exit?: unknown }) => { if (typeof body.exit === 'number') exit = body.exit; });
        stream.on('end', () => stream.end());
        stream.once('close', (error?: { code: string; message: string }) => {
          restore();
          ws.close();
          if (error) reject(new HeliosError(isErrorCode(error.code) ? error.code : 'INTERNAL_ERROR', `${host}: ${error.message}`));
          else resolve(exit ?? 1);
        });
        if (!stdin) {
          stream.end();
          return;
        }
        if (raw) process.stdin.setRawMode(true);
        process.stdin.on('data', (chunk: Buffer) => {
          if (!stream.write(Channel.STDIN, chunk)) {
            process.stdin.pause();
            stream.once('drain', () => process.stdin.resume());
          }
        });
        process.stdin.once('end', () => stream.end());
        if (tty) process.stdout.on('resize', () => stream.message({ resize: { cols: process.stdout.columns, rows: process.stdout.rows } }));
      },
    });
  });
  return ended;
}
