/**
 * No Docker engine answers: may solo start a private dockerd of its own here (root on Linux, with
 * dockerd installed, or installable with apt-get on Debian), and when it may not, the commands that
 * get an engine running on this OS. Pure: `machineFacts()` gathers the facts.
 */

export interface MachineFacts {
  platform: NodeJS.Platform;
  root: boolean;
  /** dockerd is installed (on PATH or in an sbin folder). */
  dockerd: boolean;
  /** apt-get is installed on a Debian-family system: solo may install docker.io with it. */
  apt: boolean;
  /** /etc/os-release's ID then ID_LIKE words, e.g. ['ubuntu', 'debian']; [] when unknown. */
  os: string[];
}

/** Why solo may not start a private dockerd on this machine, or null when it may. */
export function whyNoPrivateEngine(f: MachineFacts): string | null {
  if (f.platform !== 'linux') return 'solo starts a private dockerd of its own only on Linux';
  if (!f.root) return 'solo starts a private dockerd of its own only as root';
  if (!f.dockerd && !f.apt) return 'dockerd is not installed, and solo installs it only with apt-get on Debian';
  return null;
}

export interface AdviceInput {
  /** The engine solo tried, and why it did not answer. */
  dockerHost: string;
  reason: string;
  facts: MachineFacts;
  /** How the user started solo: `npm start` or `helios solo`. */
  command: string;
  /** Why the private dockerd solo tried to start did not come up. */
  failed?: string;
}

/**
 * The lines solo prints before exiting 1 when it has no engine and may not start one.
 * @example noEngineAdvice({ dockerHost: 'unix:///var/run/docker.sock', reason: 'connect ENOENT …', facts, command: 'npm start' })
 */
export function noEngineAdvice({ dockerHost, reason, facts, command, failed }: AdviceInput): string[] {
  const sudo = facts.root ? '' : 'sudo ';
  const groupLine = `  ${pad('sudo usermod -aG docker $USER')}# then log out and in: Docker without sudo`;
  if (/EACCES|permission denied/i.test(reason) && !facts.root) {
    return [
      `cannot use the Docker engine at ${dockerHost}: this user may not (${reason})`,
      groupLine,
      `then run ${command} again, or run it as root (sudo ${command}).`,
    ];
  }
  const lines = [`no Docker engine answers at ${dockerHost} (${reason})`];
  const why = failed ? `solo could not start a private dockerd (${failed})` : whyNoPrivateEngine(facts) ?? 'solo may start a private dockerd';
  if (facts.platform === 'darwin') {
    lines.push(`${why}. On macOS, start Docker Desktop:`,
      '  brew install --cask docker && open -a Docker',
      `then run ${command} again (with colima instead: brew install colima docker && colima start,`,
      `then DOCKER_HOST=unix://$HOME/.colima/default/docker.sock ${command}).`);
    return lines;
  }
  if (facts.platform !== 'linux') {
    lines.push(`${why}. On ${facts.platform}, install Docker Desktop with its WSL 2 backend`,
      `(https://docs.docker.com/desktop/) and run ${command} inside WSL.`);
    return lines;
  }
  const install = facts.dockerd ? null : installCommand(facts.os, sudo);
  lines.push(`${why}. To run Docker on this machine${facts.os[0] ? ` (${facts.os[0]})` : ''}:`);
  if (!facts.dockerd) lines.push(`  ${install ?? 'install Docker Engine: https://docs.docker.com/engine/install/'}`);
  lines.push(`  ${startCommand(facts.os, sudo)}`);
  if (!facts.root) lines.push(groupLine);
  const asRoot = facts.root ? '' : `, or run it as root (sudo ${command}) to let solo start a private dockerd`;
  lines.push(`then run ${command} again${facts.apt || facts.dockerd ? asRoot : ''}; or set DOCKER_HOST to an engine that runs.`);
  return lines;
}

const pad = (command: string) => command.padEnd(36);

function installCommand(os: string[], sudo: string): string | null {
  const is = (...ids: string[]) => ids.some((id) => os.includes(id));
  if (is('debian', 'ubuntu')) return `${sudo}apt-get install -y docker.io`;
  if (os[0] === 'fedora') return `${sudo}dnf install -y moby-engine`;
  if (is('rhel', 'centos', 'fedora')) {
    return `${sudo}dnf install -y dnf-plugins-core && ${sudo}dnf config-manager --add-repo https://download.docker.com/linux/rhel/docker-ce.repo && ${sudo}dnf install -y docker-ce`;
  }
  if (is('arch')) return `${sudo}pacman -S --needed docker`;
  if (is('alpine')) return `${sudo}apk add docker`;
  if (is('suse', 'opensuse')) return `${sudo}zypper install -y docker`;
  return null;
}

/** `service` works with and without systemd on Debian; Alpine has OpenRC. */
function startCommand(os: string[], sudo: string): string {
  if (os.includes('debian') || os.includes('ubuntu')) return `${sudo}service docker start`;
  if (os.includes('alpine')) return `${sudo}rc-service docker start`;
  return `${sudo}systemctl start docker`;
}
