import { defineCommand } from '../command.js';
import { expectPositionals } from '../usage.js';

export default defineCommand({
  name: 'solo',
  synopsis: 'solo [--http HOST:PORT] [--home DIR] [--repo PATH] [--branch NAME] [--path DIR] [--name NAME] [--docker-host URL] [--bind-ip IP] [--no-agent] [--no-syncer] [--cleanup]',
  summary: 'run a master, an agent for this machine and a git syncer of this repo, in one command',
  help: `Starts helios-master, a helios-agent named after this machine and a helios-syncer watching a local
git repository's job files (a commit deploys at once), prints where everything is, then one line per
task state change and sync outcome. Ctrl-C stops all three (a second Ctrl-C kills them); containers
keep running, as after an agent restart.

When no Docker engine answers at --docker-host, solo starts a private dockerd of its own if it may
(as root on Linux, with dockerd installed, or installed with apt-get on Debian), and stops it (and its
containers) at Ctrl-C; otherwise it prints the commands that start Docker on this OS and exits 1.
Without a registry to pull from, it imports busybox:latest (the sample job's image) from a static
/bin/busybox.

  --http HOST:PORT     the master's address (default 127.0.0.1:5801)
  --home DIR           database, agent state and logs (default $HELIOS_HOME, else ~/.helios)
  --repo PATH          the git repository to sync (default: the one around the current directory)
  --branch NAME        its branch (default: the checked-out one)
  --path DIR           the folder of job files in it (default jobs)
  --name NAME          the agent's name (default: this machine's host name); the job files'
                       deploy.hosts may call it "local"
  --docker-host URL    the Docker engine (default DOCKER_HOST, else /var/run/docker.sock); when it
                       does not answer, solo starts a private one (see above)
  --bind-ip IP         the address container ports are published on (default 127.0.0.1)
  --no-agent           start no agent
  --no-syncer          start no syncer
  --cleanup            on Ctrl-C, stop this agent's containers (each gets its job's kill wait), then
                       undeploy and remove them; one that does not stop in time keeps its deployment`,
  local: true,
  options: {
    http: { type: 'string', default: '127.0.0.1:5801' },
    home: { type: 'string' },
    repo: { type: 'string' },
    branch: { type: 'string' },
    path: { type: 'string', default: 'jobs' },
    name: { type: 'string' },
    'docker-host': { type: 'string' },
    'bind-ip': { type: 'string', default: '127.0.0.1' },
    'no-agent': { type: 'boolean', default: false },
    'no-syncer': { type: 'boolean', default: false },
    cleanup: { type: 'boolean', default: false },
  },
  async run({ positionals, flags, global, out }) {
    expectPositionals(this, positionals, 0);
    const { runSolo } = await import('../solo/runSolo.js');
    const str = (key: string) => (typeof flags[key] === 'string' ? flags[key] as string : undefined);
    return runSolo({
      http: str('http')!,
      home: str('home'),
      repo: str('repo'),
      branch: str('branch'),
      path: str('path')!,
      agentName: str('name'),
      dockerHost: str('docker-host'),
      bindIp: str('bind-ip')!,
      agent: flags['no-agent'] !== true,
      syncer: flags['no-syncer'] !== true,
      cleanup: flags.cleanup === true,
      authToken: global.authToken,
    }, out);
  },
});
