import test from 'ava';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployJob, dockerClient, startMasterFor, startTestAgent, waitForState } from './harness/agent.js';
import { tempDir, waitFor } from './harness/processes.js';

// What the container sees, written to a bind-mounted folder the test reads: the job's fields at work
// in a real container, not only in the create options (agent/docker/containerSpec.test.ts has those).
const probe = [
  'cat /cfg/greeting > /out/read',
  '(touch /cfg/new 2>/dev/null && echo writable || echo read-only) > /out/cfg',
  'echo kept > /scratch/file && cat /scratch/file > /out/scratch',
  'grep " /ramdisk " /proc/mounts > /out/ramdisk',
  'hostname > /out/hostname',
  'grep CapEff /proc/self/status > /out/caps',
  'echo done > /out/done',
  'exec sleep 1000',
].join(' && ');

test('volumes, ramdisks, hostname, capabilities, security options and resources reach a real container', async (t) => {
  // helios-master --allow-capability NET_ADMIN --allow-host-path $TMPDIR: the probe's folders are made there.
  const master = await startMasterFor(t, { admission: { capabilities: ['NET_ADMIN'], hostPaths: [tmpdir()] } });
  const agent = await startTestAgent(t, master);
  const cfg = await tempDir('job-cfg-');
  const out = await tempDir('job-out-');
  t.teardown(cfg.cleanup);
  t.teardown(out.cleanup);
  await writeFile(join(cfg.path, 'greeting'), 'from the host\n');

  const jobId = await deployJob(master, agent.name, {
    name: 'fields',
    command: ['sh', '-c', probe],
    volumes: { '/cfg:ro': cfg.path, '/out': out.path, '/scratch': '' },
    ramdisks: { '/ramdisk': 'rw,size=8m' },
    hostname: 'fields-host',
    addCapabilities: ['NET_ADMIN'],
    dropCapabilities: ['CHOWN'],
    securityOpt: ['no-new-privileges'],
    resources: { memory: 64 * 1024 * 1024, cpuShares: 512 },
  });
  const status = await waitForState(master, jobId, agent.name, 'RUNNING');
  await waitFor(() => readFile(join(out.path, 'done'), 'utf8').then(() => true, () => false), { message: 'the probe wrote its findings' });
  const seen = async (file: string) => (await readFile(join(out.path, file), 'utf8')).trim();

  t.is(await seen('read'), 'from the host', 'a host folder is mounted');
  t.is(await seen('cfg'), 'read-only', ':ro mounts read-only');
  t.is(await seen('scratch'), 'kept', '"" is an anonymous volume, writable');
  t.regex(await seen('ramdisk'), /^tmpfs \/ramdisk tmpfs rw,.*size=8192k/, 'the ramdisk is a tmpfs of the given size');
  t.is(await seen('hostname'), 'fields-host');
  const capEff = BigInt(`0x${(await seen('caps')).split(/\s+/)[1]}`);
  const CAP_CHOWN = 0n, CAP_NET_ADMIN = 12n;
  t.is((capEff >> CAP_NET_ADMIN) & 1n, 1n, 'NET_ADMIN added');
  t.is((capEff >> CAP_CHOWN) & 1n, 0n, 'CHOWN dropped');

  const info = await dockerClient().getContainer(status.containerId!).inspect();
  t.deepEqual(info.HostConfig.SecurityOpt, ['no-new-privileges']);
  t.is(info.HostConfig.Memory, 64 * 1024 * 1024);
  t.is(info.HostConfig.CpuShares, 512);
  t.true(info.Mounts.some((m) => m.Type === 'volume' && m.Destination === '/scratch'));
});
