/**
 * The `helios` command: the one place that turns errors into exit codes and one-line messages.
 * A HeliosError exits with its registry exit code and its message on stderr; anything else is a bug
 * and exits 1 with its message (and the stack with -v). With --json the error is also printed on
 * stdout as `{"status": CODE, "message": …}` so that scripts always get JSON.
 */
import { HeliosError } from '../core/errors/HeliosError.js';
import { HELIOS_VERSION } from '../core/version.js';
import { mergeGlobals, parseCommandArgs, splitInvocation } from './argv.js';
import { commandHelp, mainHelp } from './help.js';
import { listCommands, loadCommand } from './registry.js';
import { terminalJson, terminalText } from './terminalText.js';

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const streams = { stdout: process.stdout, stderr: process.stderr };
  let verbose = argv.includes('-v') || argv.includes('--verbose');
  let json = argv.includes('--json');
  try {
    const invocation = splitInvocation(argv, env);
    if (invocation.name === undefined || invocation.name === 'help') {
      return await topLevel(invocation.name === 'help' ? argv.slice(argv.indexOf('help') + 1)[0] : undefined,
        invocation.help || invocation.name === 'help', invocation.version, argv.length === 0);
    }
    const command = await loadCommand(invocation.name);
    if (!command) throw await unknownCommand(invocation.name);
    const parsed = parseCommandArgs(invocation.argv, command.options, command.name, command.commandAfter);
    const global = mergeGlobals(invocation.global, parsed.flags, env);
    ({ verbose, json } = global);
    if (invocation.help || parsed.flags.help === true) {
      streams.stdout.write(commandHelp(command) + '\n');
      return 0;
    }
    const { createOutput } = await import('./output.js');
    const out = await createOutput(streams, { json: global.json, env });
    return (await command.run({ ...parsed, global, out, env })) ?? 0;
  } catch (err) {
    return report(err, { verbose, json });
  }
}

async function topLevel(helpFor: string | undefined, help: boolean, version: boolean, bare: boolean): Promise<number> {
  if (version && !help) {
    process.stdout.write(`${HELIOS_VERSION}\n`);
    return 0;
  }
  if (helpFor) {
    const command = await loadCommand(helpFor);
    if (!command) throw await unknownCommand(helpFor);
    process.stdout.write(commandHelp(command) + '\n');
    return 0;
  }
  const text = mainHelp(listCommands()) + '\n';
  // A bare `helios` is a mistake, not a request: show the help on stderr and fail.
  if (bare || !help) {
    process.stderr.write(text);
    return 1;
  }
  process.stdout.write(text);
  return 0;
}

/** Loaded only for a mistyped command: `helios --help` stays at its few modules. */
async function unknownCommand(name: string): Promise<HeliosError> {
  const { didYouMean } = await import('../core/model/didYouMean.js');
  const suggestion = didYouMean(name, listCommands().flatMap((c) => [c.name, ...(c.aliases ?? [])]));
  return new HeliosError('INVALID_ARGUMENT', `unknown command '${name}'${suggestion ? `; did you mean '${suggestion}'?` : ''} (see helios --help)`);
}

function report(err: unknown, { verbose, json }: { verbose: boolean; json: boolean }): number {
  if (err instanceof HeliosError) {
    // The message may be the master's: escaped like everything else that reaches a terminal (terminalText.ts).
    if (json) process.stdout.write(terminalJson({ status: err.code, message: err.message, ...detail(err) }, 2) + '\n');
    process.stderr.write(`helios: ${terminalText(err.message)}\n`);
    if (verbose && err.cause instanceof Error) process.stderr.write(`caused by: ${err.cause.stack ?? err.cause.message}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  if (json) process.stdout.write(terminalJson({ status: 'INTERNAL_ERROR', message }, 2) + '\n');
  process.stderr.write(`helios: ${terminalText(message)}\n`);
  if (verbose && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  else process.stderr.write('helios: this is a bug in the helios command; run again with -v for the stack trace\n');
  return 1;
}

/** The error's structured data for --json, e.g. `errors` of INVALID_JOB_DEFINITION. */
const detail = (err: HeliosError) => Object.fromEntries(Object.entries(err.data).filter(([k]) => k !== 'status' && k !== 'message'));
