import type { Command } from './command.js';

type Loader = () => Promise<{ default: Command }>;

/**
 * Every command, in the order `helios --help` lists them. Only the command being run is imported;
 * each command module imports its heavy dependencies (client, tables, zx, YAML) inside `run`.
 */
export const commands: Record<string, Loader> = {
  create: () => import('./commands/create.js'),
  remove: () => import('./commands/remove.js'),
  inspect: () => import('./commands/inspect.js'),
  jobs: () => import('./commands/jobs.js'),
  deploy: () => import('./commands/deploy.js'),
  undeploy: () => import('./commands/undeploy.js'),
  start: () => import('./commands/start.js'),
  stop: () => import('./commands/stop.js'),
  job: () => import('./commands/job.js'),
  history: () => import('./commands/history.js'),
  watch: () => import('./commands/watch.js'),
  hosts: () => import('./commands/hosts.js'),
  register: () => import('./commands/register.js'),
  deregister: () => import('./commands/deregister.js'),
  sync: () => import('./commands/sync.js'),
  masters: () => import('./commands/masters.js'),
  version: () => import('./commands/version.js'),
  solo: () => import('./commands/solo.js'),
};

export const aliases: Record<string, string> = { status: 'job' };

export async function loadCommand(name: string): Promise<Command | undefined> {
  const key = Object.hasOwn(aliases, name) ? aliases[name] : name;
  return Object.hasOwn(commands, key) ? (await commands[key]()).default : undefined;
}

export async function loadAllCommands(): Promise<Command[]> {
  return Promise.all(Object.values(commands).map(async (load) => (await load()).default));
}
