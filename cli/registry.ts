import type { Command, CommandMeta } from './command.js';

interface Entry extends CommandMeta {
  load: () => Promise<{ default: Command }>;
}

/**
 * Every command, in the order `helios --help` lists them. The listing needs only this file; running a
 * command imports only that command's module, which imports its heavy dependencies (client, tables,
 * zx, YAML, the job schema) inside `run`.
 */
const entries: Entry[] = [
  { name: 'create', synopsis: 'create NAME:VERSION IMAGE [options] [-- CMD ARGS…]', summary: 'create a job',
    load: () => import('./commands/create.js') },
  { name: 'remove', synopsis: 'remove JOB [--yes] [--token T] [--force]', summary: 'remove a job (undeploy it everywhere first)',
    load: () => import('./commands/remove.js') },
  { name: 'inspect', synopsis: 'inspect JOB', summary: "show a job's configuration",
    load: () => import('./commands/inspect.js') },
  { name: 'jobs', synopsis: 'jobs [PATTERN] [-f] [-q] [-y]', summary: 'list jobs',
    load: () => import('./commands/jobs.js') },
  { name: 'deploy', synopsis: 'deploy JOB HOST… [--no-start] [--watch [--interval S] [--timeout S]] [--token T] [--force]', summary: 'deploy a job on hosts',
    load: () => import('./commands/deploy.js') },
  { name: 'undeploy', synopsis: 'undeploy JOB [HOST…] [-a|--all] [--yes] [--token T] [--force]', summary: 'undeploy a job from hosts (its containers are stopped and removed)',
    load: () => import('./commands/undeploy.js') },
  { name: 'start', synopsis: 'start JOB HOST… [--token T] [--force]', summary: 'start a deployed job on hosts (goal START)',
    load: () => import('./commands/start.js') },
  { name: 'stop', synopsis: 'stop JOB HOST… [--token T] [--force]', summary: 'stop a deployed job on hosts (goal STOP; it stays deployed)',
    load: () => import('./commands/stop.js') },
  { name: 'job', aliases: ['status'], synopsis: 'job [JOB | -j FILTER] [--host PATTERN] [-f]', summary: 'show where a job is deployed and the state of each task',
    load: () => import('./commands/job.js') },
  { name: 'history', synopsis: 'history JOB [--host HOST]', summary: "show a job's task state changes on every host",
    load: () => import('./commands/history.js') },
  { name: 'watch', synopsis: 'watch JOB [HOST…] [-n SECONDS] [--exact]', summary: "follow a job's task states live until Ctrl-C",
    load: () => import('./commands/watch.js') },
  { name: 'logs', synopsis: 'logs JOB [HOST…] [-f] [-n|--tail N] [--since DURATION|TIME] [-t|--timestamps] [--stdout|--stderr]',
    summary: "print a job's container logs on its hosts, prefixed by host; -f follows",
    load: () => import('./commands/logs.js') },
  { name: 'exec', synopsis: 'exec JOB HOST [-i] [-t] -- CMD [ARGS…]', summary: "run a command in a job's container on a host (role exec); -it for a shell",
    load: () => import('./commands/exec.js') },
  { name: 'hosts', synopsis: 'hosts [PATTERN] [-q] [-f] [--status UP|DOWN] [-s SELECTOR]…', summary: 'list hosts and their state',
    load: () => import('./commands/hosts.js') },
  { name: 'register', synopsis: 'register HOST ID', summary: 'register a host name for the agent with that id before it starts',
    load: () => import('./commands/register.js') },
  { name: 'deregister', synopsis: 'deregister HOST [--yes]', summary: 'forget a host (its jobs must be undeployed first)',
    load: () => import('./commands/deregister.js') },
  { name: 'create-deployment-group', synopsis: 'create-deployment-group NAME SELECTOR… [-q]', summary: 'create a deployment group: the hosts whose labels match every selector',
    load: () => import('./commands/createDeploymentGroup.js') },
  { name: 'remove-deployment-group', synopsis: 'remove-deployment-group NAME', summary: 'remove a deployment group (what it deployed stays deployed)',
    load: () => import('./commands/removeDeploymentGroup.js') },
  { name: 'list-deployment-groups', synopsis: 'list-deployment-groups', summary: 'list deployment groups',
    load: () => import('./commands/listDeploymentGroups.js') },
  { name: 'inspect-deployment-group', synopsis: 'inspect-deployment-group NAME', summary: "show a deployment group's selectors, job and rollout options",
    load: () => import('./commands/inspectDeploymentGroup.js') },
  { name: 'deployment-group-status', synopsis: 'deployment-group-status NAME [-f] [--history]', summary: "show a deployment group's state and its hosts' jobs; --history its rollouts",
    load: () => import('./commands/deploymentGroupStatus.js') },
  { name: 'watch-deployment-group', synopsis: 'watch-deployment-group NAME [-f] [--interval S]', summary: "follow a deployment group's status until Ctrl-C",
    load: () => import('./commands/watchDeploymentGroup.js') },
  { name: 'rolling-update', synopsis: 'rolling-update JOB GROUP [-p N] [-t S] [--overlap] [--migrate] [--token T] [--auto-revert] [--async] [-T MIN] …',
    summary: 'roll a deployment group out to a job, a few hosts at a time, and wait for the outcome',
    load: () => import('./commands/rollingUpdate.js') },
  { name: 'stop-deployment-group', synopsis: 'stop-deployment-group NAME', summary: "stop a deployment group's rolling update",
    load: () => import('./commands/stopDeploymentGroup.js') },
  { name: 'run', synopsis: 'run FILE.mjs [--dry-run] [ARGS…]', summary: "run a zx deploy script with the helios API preloaded (--dry-run: writes only say what they would do)",
    load: () => import('./commands/run.js') },
  { name: 'sync', subcommands: ['status', 'register', 'delete'], synopsis: 'sync status [SOURCE] | register SOURCE --repo URL [--branch B] [--path P] | delete SOURCE',
    summary: 'show what each GitOps source last applied, and its errors; register or delete a source',
    load: () => import('./commands/sync.js') },
  { name: 'registry', subcommands: ['login', 'list', 'logout'], synopsis: 'registry login HOST [-u USER] [--password-stdin] [--name NAME] | list | logout HOST|NAME',
    summary: "keep a private registry's account on the master (admin), for agents that hold no credentials",
    load: () => import('./commands/registry.js') },
  { name: 'audit', synopsis: 'audit [JOB] [--host HOST] [-n N] [--before SEQ]', summary: 'show who changed what: every write, with the name of its token',
    load: () => import('./commands/audit.js') },
  { name: 'whoami', synopsis: 'whoami', summary: "show your token's name and role, and the privileged job fields you may use",
    load: () => import('./commands/whoami.js') },
  { name: 'masters', synopsis: 'masters [-f]', summary: 'list the masters of the cluster',
    load: () => import('./commands/masters.js') },
  { name: 'version', synopsis: 'version', summary: "print the client's and the master's versions",
    load: () => import('./commands/version.js') },
  { name: 'solo', synopsis: 'solo [--http HOST:PORT] [--home DIR] [--repo PATH] [--branch NAME] [--path DIR] [--name NAME] [--docker-host URL] [--bind-ip IP] [--no-agent] [--no-syncer] [--cleanup]',
    summary: 'run a master, an agent for this machine and a git syncer of this repo, in one command',
    load: () => import('./commands/solo.js') },
];

const byName = new Map(entries.flatMap((e) => [[e.name, e] as const, ...(e.aliases ?? []).map((a) => [a, e] as const)]));

/** The listed facts of a command, for its module to spread into its definition. */
export function commandMeta(name: string): CommandMeta {
  const { load: _load, ...meta } = byName.get(name)!;
  return meta;
}

export const listCommands = (): CommandMeta[] => entries.map(({ load: _load, ...meta }) => meta);

export async function loadCommand(name: string): Promise<Command | undefined> {
  const entry = byName.get(name);
  return entry ? (await entry.load()).default : undefined;
}
