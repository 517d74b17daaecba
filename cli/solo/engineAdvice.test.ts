import test from 'ava';
import { noEngineAdvice, whyNoPrivateEngine, type MachineFacts } from './engineAdvice.js';

const SOCKET = 'unix:///var/run/docker.sock';
const ENOENT = 'connect ENOENT /var/run/docker.sock';
const debian: MachineFacts = { platform: 'linux', root: true, dockerd: false, apt: true, os: ['debian'] };
const advice = (facts: MachineFacts, reason = ENOENT, command = 'npm start') => noEngineAdvice({ dockerHost: SOCKET, reason, facts, command }).join('\n');

test('root on Debian may start a private dockerd, installing it with apt-get; root with dockerd installed may anywhere', (t) => {
  t.is(whyNoPrivateEngine(debian), null);
  t.is(whyNoPrivateEngine({ ...debian, dockerd: true, apt: false, os: ['arch'] }), null);
});

test('not root on Debian without docker.io: the apt-get, service and usermod commands with sudo, and sudo npm start', (t) => {
  const facts = { ...debian, root: false };
  t.is(whyNoPrivateEngine(facts), 'solo starts a private dockerd of its own only as root');
  t.is(advice(facts), [
    `no Docker engine answers at ${SOCKET} (${ENOENT})`,
    'solo starts a private dockerd of its own only as root. To run Docker on this machine (debian):',
    '  sudo apt-get install -y docker.io',
    '  sudo service docker start',
    '  sudo usermod -aG docker $USER       # then log out and in: Docker without sudo',
    'then run npm start again, or run it as root (sudo npm start) to let solo start a private dockerd; or set DOCKER_HOST to an engine that runs.',
  ].join('\n'));
});

test('not root with dockerd installed: no install line; the command named is the one the user ran', (t) => {
  const text = advice({ ...debian, root: false, dockerd: true, os: ['ubuntu', 'debian'] }, ENOENT, 'helios solo');
  t.notRegex(text, /apt-get/);
  t.regex(text, /^ {2}sudo service docker start$/m);
  t.regex(text, /\(sudo helios solo\)/);
  t.regex(text, /To run Docker on this machine \(ubuntu\)/);
});

test('root on Fedora without dockerd: may not (apt-get on Debian only); dnf without sudo, systemctl', (t) => {
  const facts: MachineFacts = { platform: 'linux', root: true, dockerd: false, apt: false, os: ['fedora'] };
  t.is(whyNoPrivateEngine(facts), 'dockerd is not installed, and solo installs it only with apt-get on Debian');
  const text = advice(facts);
  t.regex(text, /^ {2}dnf install -y moby-engine$/m);
  t.regex(text, /^ {2}systemctl start docker$/m);
  t.notRegex(text, /sudo|usermod/);
});

test('an RHEL-like system gets Docker\'s own repository; an unknown Linux the install page', (t) => {
  t.regex(advice({ platform: 'linux', root: false, dockerd: false, apt: false, os: ['rocky', 'rhel', 'centos', 'fedora'] }),
    /sudo dnf config-manager --add-repo https:\/\/download\.docker\.com\/linux\/rhel\/docker-ce\.repo && sudo dnf install -y docker-ce/);
  const unknown = advice({ platform: 'linux', root: false, dockerd: false, apt: false, os: [] });
  t.regex(unknown, /install Docker Engine: https:\/\/docs\.docker\.com\/engine\/install\//);
  t.notRegex(unknown, /sudo npm start/, 'as root it could not start one either');
});

test('macOS: Docker Desktop with brew, or colima with its socket', (t) => {
  const text = advice({ platform: 'darwin', root: false, dockerd: false, apt: false, os: [] });
  t.regex(text, /only on Linux\. On macOS/);
  t.regex(text, /brew install --cask docker && open -a Docker/);
  t.regex(text, /DOCKER_HOST=unix:\/\/\$HOME\/\.colima\/default\/docker\.sock npm start/);
});

test('an engine this user may not use (EACCES): the docker group, not an install', (t) => {
  const text = advice({ ...debian, root: false, dockerd: true }, 'connect EACCES /var/run/docker.sock');
  t.regex(text, /^cannot use the Docker engine at unix:\/\/\/var\/run\/docker\.sock: this user may not \(connect EACCES/);
  t.regex(text, /sudo usermod -aG docker \$USER/);
  t.notRegex(text, /apt-get|service docker start/);
});

test('a private dockerd that failed to start: said, with how to start the system\'s Docker instead', (t) => {
  const text = noEngineAdvice({ dockerHost: SOCKET, reason: ENOENT, facts: { ...debian, dockerd: true }, command: 'npm start',
    failed: 'dockerd exited with 1; more in /h/logs/docker.log' }).join('\n');
  t.regex(text, /solo could not start a private dockerd \(dockerd exited with 1; more in \/h\/logs\/docker\.log\)/);
  t.regex(text, /^ {2}service docker start$/m);
});
