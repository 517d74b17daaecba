import { access } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HeliosError } from '../../core/errors/HeliosError.js';
import { defineCommand } from '../command.js';
import { connect } from '../connect.js';
import { errorReport } from '../errorReport.js';
import { boolFlag, expectPositionals } from '../usage.js';
import { commandMeta } from '../registry.js';

export default defineCommand({
  ...commandMeta('run'),
  help: `Runs FILE.mjs, a zx script, with the helios/zx API preloaded as the global 'helios' (cli/README.md:
create, deploy, undeploy, start, stop, status, history, hosts, watch, waitFor, logs, exec,
deploymentGroups, …),
zx's globals ($, cd, echo, spinner, retry, within, sleep, question, fs, path, YAML, chalk, …) and
argv: the words after FILE, parsed by zx's minimist (argv._ the positionals). 'helios' talks to the
master this command line names, with its token and TLS settings (-z, -d, HELIOS_MASTER,
~/.helios/config, HELIOS_TOKEN, --ca/--cert/--key), as every other command. Every word after FILE
is the script's, options too.
  --dry-run   every write to the master (create, remove, deploy, undeploy, start, stop,
              exec, register, deregister, the deployment-group calls) prints 'dry run: …' on
              stderr instead of happening, and waitFor does not wait (what it waits for was
              not done); reads still go to the master. helios.dryRun is true, for the
              script's own writes ($ docker push …).
Exits with the script's process.exitCode (0 when it sets none). A HeliosError the script does not
catch is one line, as any command's ('helios: <message>', its exit code, --json
{"status", "message"}); anything else it throws is SCRIPT_FAILED naming the script's line
('helios: release.mjs:42: TypeError: …'; -v adds the stack), a failed $ command the command and
its exit code.`,
  options: { 'dry-run': { type: 'boolean' } },
  passThroughAfter: 1,
  oneCluster: true,
  async run({ positionals, flags, rest, global, out, env }) {
    expectPositionals(this, positionals, 1);
    const file = resolve(positionals[0]);
    await access(file).catch((err: NodeJS.ErrnoException) => {
      throw new HeliosError('INVALID_ARGUMENT', `cannot read script ${positionals[0]}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`, { file }, { cause: err });
    });
    // zx is loaded here only: `helios --help` and every other command never pay for it (~150 ms).
    const [{ createHelios }, client, zx] = await Promise.all([import('../zx/helios.js'), connect(global), import('zx'), import('zx/globals')]);
    zx.updateArgv(rest);
    Object.assign(globalThis, {
      // zx draws its spinner on stderr even when that is a pipe or a file: ten frames a second of noise in a log.
      ...(process.stderr.isTTY ? {} : { spinner: <T>(title: string | (() => T), callback?: () => T) => (typeof title === 'function' ? title() : callback!()) }),
      helios: createHelios({ client, connection: global, env, out, dryRun: boolFlag(flags['dry-run']) }),
      // What zx's own CLI gives a script, which ESM has not.
      require: createRequire(file), __filename: file, __dirname: dirname(file),
    });
    const failed = (err: unknown) => scriptError(err, positionals[0], file, zx.ProcessOutput);
    // A promise the script left unawaited fails the run as an awaited one would, in one line.
    process.once('unhandledRejection', (err) => {
      const report = errorReport(failed(err), global.verbose);
      process.stderr.write(`${report.line}\n${report.detail ? `${report.detail}\n` : ''}`);
      process.exit(report.exitCode);
    });
    try {
      await import(pathToFileURL(file).href);
    } catch (err) {
      throw failed(err);
    }
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  },
});

/**
 * What the script threw, for index.ts to report: a HeliosError as it is (its one line and exit
 * code), a failed $ command as its command line and exit code, anything else as SCRIPT_FAILED at
 * the script's line that threw it (the stack stays the cause, for -v).
 */
function scriptError(err: unknown, shown: string, file: string, processOutput: new (...args: never[]) => unknown): HeliosError {
  if (err instanceof HeliosError) return err;
  if (err instanceof processOutput) {
    const failed = err as { exitCode: number | null; signal: string | null; stderr: string };
    const why = failed.exitCode !== null ? `exit code ${failed.exitCode}` : `signal ${failed.signal}`;
    const last = failed.stderr.trim().split('\n').at(-1);
    return new HeliosError('SCRIPT_FAILED', `${shown}: a command failed (${why})${last ? `: ${last}` : ''}`, { file }, { cause: err });
  }
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  const url = pathToFileURL(file).href;
  const line = err instanceof Error ? err.stack?.split('\n').find((l) => l.includes(url))?.match(/:(\d+):\d+\)?$/)?.[1] : undefined;
  return new HeliosError('SCRIPT_FAILED', `${shown}${line ? `:${line}` : ''}: ${message}`, { file }, { cause: err });
}
