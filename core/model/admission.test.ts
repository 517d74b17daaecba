import test from 'ava';
import { emptyPolicy, privilegedFields, type AdmissionPolicy } from './admission.js';

const paths = (job: Record<string, unknown>, policy: Partial<AdmissionPolicy> = {}) =>
  privilegedFields(job, { ...emptyPolicy, ...policy }).map((e) => e.path);
const messages = (job: Record<string, unknown>, policy: Partial<AdmissionPolicy> = {}) =>
  privilegedFields(job, { ...emptyPolicy, ...policy }).map((e) => `${e.path}: ${e.message}`);

test('an ordinary job needs nothing: named and anonymous volumes, bridge network, safe security options', (t) => {
  t.deepEqual(paths({ volumes: { '/data': 'data-vol', '/tmp': '' }, networkMode: 'bridge', securityOpt: ['no-new-privileges'] }), []);
  t.deepEqual(paths({ networkMode: 'none', dropCapabilities: ['CHOWN'] }), []);
});

test('the host root, the Docker socket and host paths outside the allowed prefixes are refused, each named', (t) => {
  t.deepEqual(messages({ volumes: { '/host': '/' } }), ['volumes./host: mounts the host\'s root: allowed only when the master lists "/" exactly (--allow-host-path /)']);
  t.deepEqual(messages({ volumes: { '/var/run/docker.sock': '/var/run/docker.sock' } }),
    ['volumes./var/run/docker.sock: gives the container the Docker socket (/var/run/docker.sock), root on the host: allowed only when the master lists /var/run/docker.sock exactly (--allow-host-path /var/run/docker.sock)']);
  t.deepEqual(messages({ volumes: { '/cfg:ro': '/etc' } }), ['volumes./cfg:ro: host path /etc is not under a path this master allows (allowed: none; --allow-host-path)']);
});

test('an allowed prefix admits what is under it, by path segment, after normalising', (t) => {
  const policy = { hostPaths: ['/srv/data/'] };
  t.deepEqual(paths({ volumes: { '/a': '/srv/data', '/b': '/srv/data/app', '/c:ro': '/srv/data/app/../x/' } }, policy), []);
  t.deepEqual(paths({ volumes: { '/a': '/srv/database', '/b': '/srv/data/../../etc' } }, policy), ['volumes./a', 'volumes./b']);
});

test('the Docker socket and / need listing exactly, whatever prefix covers them', (t) => {
  t.deepEqual(paths({ volumes: { '/h': '/' } }, { hostPaths: ['/'] }), [], '/ listed exactly');
  t.deepEqual(paths({ volumes: { '/etc': '/etc' } }, { hostPaths: ['/'] }), [], 'a / prefix admits every other path');
  t.deepEqual(paths({ volumes: { '/s': '/run/docker.sock' } }, { hostPaths: ['/'] }), ['volumes./s'], 'not the socket');
  t.deepEqual(paths({ volumes: { '/r': '/var/run' } }, { hostPaths: ['/var'] }), ['volumes./r'], 'nor a folder that holds it');
  t.deepEqual(paths({ volumes: { '/v': '/var', '/l': '/var/lib/app' } }, { hostPaths: ['/'] }), ['volumes./v'], '/var holds /var/run/docker.sock');
  t.deepEqual(paths({ volumes: { '/v': '/var' } }, { hostPaths: ['/var'] }), [], 'listed exactly, the operator said so');
  t.deepEqual(paths({ volumes: { '/s': '/var/run/docker.sock' } }, { hostPaths: ['/var/run/docker.sock'] }), []);
});

test('the host network and another container\'s network need --allow-network-mode', (t) => {
  t.deepEqual(messages({ networkMode: 'host' }), ['networkMode: host shares the host\'s network: allowed only with --allow-network-mode host']);
  t.deepEqual(messages({ networkMode: 'container:db' }), ['networkMode: container:db shares another container\'s network: allowed only with --allow-network-mode container']);
  t.deepEqual(paths({ networkMode: 'host' }, { networkModes: ['host'] }), []);
  t.deepEqual(paths({ networkMode: 'container:db' }, { networkModes: ['host'] }), ['networkMode']);
});

test('added capabilities come from the allow-list, as in Helios', (t) => {
  t.deepEqual(messages({ addCapabilities: ['NET_ADMIN', 'SYS_ADMIN'] }, { capabilities: ['NET_ADMIN', 'CHOWN'] }),
    ['addCapabilities.1: SYS_ADMIN is not allowed by this master (allowed: NET_ADMIN, CHOWN; --allow-capability)']);
});

test('security options that turn confinement off are refused, in both spellings, unless allowed', (t) => {
  const securityOpt = ['seccomp=unconfined', 'apparmor:unconfined', 'label=disable', 'systempaths=unconfined', 'no-new-privileges'];
  t.deepEqual(paths({ securityOpt }), ['securityOpt.0', 'securityOpt.1', 'securityOpt.2', 'securityOpt.3']);
  t.deepEqual(messages({ securityOpt: ['seccomp=unconfined'] }), ['securityOpt.0: seccomp=unconfined turns a confinement off: allowed only with --allow-security-opt seccomp=unconfined']);
  t.deepEqual(paths({ securityOpt }, { securityOpts: ['seccomp=unconfined', 'apparmor:unconfined', 'label=disable', 'systempaths=unconfined'] }), []);
});

test('ill-typed fields are left to validation', (t) => {
  t.deepEqual(paths({ volumes: 'x', networkMode: 3, addCapabilities: 'SYS_ADMIN', securityOpt: {} }), []);
  t.deepEqual(paths(null as unknown as Record<string, unknown>), []);
});

// Docker 20.10 reads `key=value` (or `key:value` when there is no `=`), keys case-sensitive: it refused
// `SECCOMP=unconfined` and `seccomp = unconfined`, but ran `seccomp={"defaultAction":"SCMP_ACT_ALLOW"}`
// with every syscall allowed (unshare(2) worked, as with unconfined), and took `label=type:spc_t`.
test('a seccomp profile of the job\'s own and an SELinux type, user or role lift confinement too; an SELinux level and AppArmor profiles do not', (t) => {
  const allowAll = 'seccomp={"defaultAction":"SCMP_ACT_ALLOW"}';
  const securityOpt = [allowAll, 'seccomp:{"defaultAction":"SCMP_ACT_ALLOW"}', 'label=type:spc_t', 'label:user:system_u', 'label=role:system_r',
    'label=level:s0:c100,c200', 'apparmor=docker-default', 'no-new-privileges=true'];
  t.deepEqual(paths({ securityOpt }), ['securityOpt.0', 'securityOpt.1', 'securityOpt.2', 'securityOpt.3', 'securityOpt.4']);
  t.deepEqual(messages({ securityOpt: [allowAll, 'label=type:spc_t'] }), [
    `securityOpt.0: ${allowAll} replaces the engine's seccomp profile with the job's own, which may allow every syscall: allowed only with --allow-security-opt and this exact value`,
    'securityOpt.1: label=type:spc_t sets the container\'s SELinux type, user or role (type:spc_t runs it unconfined): allowed only with --allow-security-opt label=type:spc_t',
  ]);
  t.deepEqual(paths({ securityOpt }, { securityOpts: securityOpt }), [], 'each allowed by its exact value');
});
