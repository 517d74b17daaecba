/**
 * The `helios` command: the one place that turns errors into exit codes and one-line messages
 * (errorReport.ts; eachCluster.ts does the same per cluster when a command runs on several). With
 * --json the error is also printed on stdout as `{"status": CODE, "message": …}` so that scripts
 * always get JSON.
 */
import { HeliosError } from '../core/errors/HeliosError.js';
import { HELIOS_VERSION } from '../core/version.js';
import { mergeGlobals, parseCommandArgs, splitInvocation } from './argv.js';
import { commandHelp, mainHelp } from './help.js';
import { listCommands, loadCommand } from './registry.js';

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
    const parsed = parseCommandArgs(invocation.argv, command.options, command.name, command.commandAfter, command.passThroughAfter);
    const global = mergeGlobals(invocation.global, parsed.flags, env);
    ({ verbose, json } = global);
    if (invocation.help || parsed.flags.help === true) {
      streams.stdout.write(commandHelp(command) + '\n');
      return 0;
    }
    const { runOnClusters } = await import('./eachCluster.js');
    return await runOnClusters(command, { ...parsed, global, env }, streams);
  } catch (err) {
    return await report(err, { verbose, json });
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

/** Loaded only on failure: `helios --help` stays at its few modules. */
async function report(err: unknown, { verbose, json }: { verbose: boolean; json: boolean }): Promise<number> {
  const [{ errorReport }, { terminalJson }] = await Promise.all([import('./errorReport.js'), import('./terminalText.js')]);
  const r = errorReport(err, verbose);
  if (json) process.stdout.write(terminalJson(r.json, 2) + '\n');
  process.stderr.write(`${r.line}\n`);
  if (r.detail) process.stderr.write(`${r.detail}\n`);
  return r.exitCode;
}
