/** The lines solo prints once everything has started: where each part is, and what to try next. */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Output } from '../output.js';
import type { RepoInfo } from './gitRepo.js';
import { soloCommand } from './soloCommand.js';

export interface SummaryFacts {
  masterUrl: string;
  dbPath: string;
  /** null with --no-agent. */
  agentName: string | null;
  dockerHost: string;
  /** True when the engine is a dockerd solo started (it stops with solo). */
  privateEngine: boolean;
  /** null with --no-syncer. */
  repo: (RepoInfo & { branch: string }) | null;
  path: string;
  logs: string;
  /** How to run the CLI here: `helios` when it is on PATH (npm link, npm install -g), else `npx helios`. */
  cli: string;
}

export function printSummary(out: Output, s: SummaryFacts): void {
  const { bold, dim } = out.colors;
  out.print(bold('Helios is running (solo)'));
  out.print(`  master   ${s.masterUrl}  ${dim(`database ${s.dbPath}`)}`);
  // solo's master has no token file: say so, as the master's log does (a local user could deploy).
  out.print(`  tokens   none: anyone on this machine can deploy  ${dim('(helios-master --token-file: see README, Several hosts)')}`);
  const engine = `Docker at ${s.dockerHost}${s.privateEngine ? ' (a private dockerd solo started)' : ''}`;
  out.print(s.agentName ? `  agent    ${s.agentName}  ${dim(engine)}` : '  agent    (none: --no-agent)');
  out.print(s.repo ? `  syncer   ${s.repo.dir} ${s.path}/ on ${s.repo.branch} at ${s.repo.commit.slice(0, 7)}  ${dim('(a commit deploys at once)')}`
    : '  syncer   (none: --no-syncer)');
  out.print(`  logs     ${s.logs}`);
  const z = s.masterUrl === 'http://127.0.0.1:5801' ? '' : ` -z ${s.masterUrl}`;
  out.print(`Try: ${s.cli}${z} hosts · ${s.cli}${z} jobs · edit ${s.path}/hello.yaml and git commit`);
  out.print(dim(s.privateEngine
    ? 'Ctrl-C stops master, agent and syncer, then the private dockerd and its containers (their deployments stay).'
    : `Ctrl-C stops master, agent and syncer; containers keep running unless ${soloCommand('--cleanup')}.`));
}

/** `helios` when a directory of PATH has it (what npm link and npm install -g give), else `npx helios`. */
export function cliCommand(path = process.env.PATH ?? ''): string {
  const onPath = path.split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, 'helios'), constants.X_OK);
      return dir !== '';
    } catch {
      return false;
    }
  });
  return onPath ? 'helios' : 'npx helios';
}
