import { isIP } from 'node:net';
import type { AgentOptions } from './options.js';
import { parseMetricsAddress, readTlsFiles, tlsPathsFrom } from '../core/index.js';
import { isPullPolicy, PULL_POLICIES } from './supervisor/pullPolicy.js';
import { parseDuration } from '../core/model/duration.js';

export const usage = `usage: helios-agent --master URL [options]

  --master URL            the master, e.g. http://127.0.0.1:5801 or https://master:5801 (required,
                          else $HELIOS_MASTER). Several masters of one cluster: repeat it or give
                          URLs separated by commas; the agent uses the one that last answered and
                          moves to the next when it stops answering, a blocking query or a status
                          report included
  --ca FILE               the PEM CA that signed an https:// master's certificate ($HELIOS_CA;
                          default: the CAs built into Node and NODE_EXTRA_CA_CERTS); the
                          certificate is always verified
  --cert FILE             a PEM client certificate for a master with --client-ca ($HELIOS_CERT)
  --key FILE              that certificate's PEM private key ($HELIOS_KEY)
  --name NAME             host name to register under (default: this machine's hostname)
  --docker-host URL       unix:///path/docker.sock or tcp://host:port
                          (default: $DOCKER_HOST, else unix:///var/run/docker.sock)
  --state-dir DIR         local state (default: $HELIOS_HOME/agent-<name>, HELIOS_HOME default ~/.helios)
  --labels K=V            a host label (repeatable), for host selectors
  --env K=V               an environment variable for every container (repeatable); the master
                          is told its name only, never its value (statuses, host status)
  --port-range START:END  range of dynamically allocated ports (default 20000:32768)
  --heartbeat DURATION    heartbeat interval, e.g. 5s, 500ms (default 5s)
  --bind-ip IP            host address ports are published on (default 0.0.0.0)
  --health-timeout DURATION
                          how long a task's health check may keep failing before its container is
                          restarted (a restart that counts towards FLAPPING); 0 never gives up,
                          as Helios (default 5m)
  --max-kill-timeout DURATION
                          the longest a container is given to stop: a job's gracePeriod and its
                          secondsToWaitBeforeKill are each cut to this (default 10m; 1s to 24h)
  --pull POLICY           when to pull a task's image from its registry:
                            auto     always for :latest and untagged images, only if missing for
                                     other tags and digests (default; as Kubernetes does)
                            always   before every container creation, as Helios does (a failed
                                     pull is fine when the image is present locally)
                            missing  only when the Docker engine does not have the image
  --docker-config DIR     the docker config whose config.json gives registry credentials, as the
                          docker CLI reads it: auths, credsStore, credHelpers (docker-credential-NAME
                          get, 10 s at most), read again for every pull (default: $DOCKER_CONFIG,
                          else ~/.docker)
  --image-gc-interval DURATION
                          how often unused images are garbage collected (default 5m; 0 turns the
                          collection off). Never removed: an image any container uses (running or
                          stopped, made by Helios or not) or a task desired on this agent names
  --image-gc-grace DURATION
                          how long an image must have been unused, and since it was pulled, before
                          it is removed (default 1h)
  --image-gc-keep N       unused images kept per repository, the most recently pulled, for a fast
                          rollback (default 2)
  --image-gc-all          collect every image on the engine, not only those this agent pulled (it
                          records them in pulled-images.json of its state dir)
  --status-resync DURATION
                          how often every task's latest status is reported again, so a master whose
                          database lost reports (restored from a backup, a standby that missed the
                          last commits) shows this host's tasks as they are (default 5m; 0: never)
  --join-new-cluster      forget the cluster recorded in the state dir and its desired set, and join
                          the cluster of the master that answers: for an agent that the master refuses
                          as another cluster's (CLUSTER_MISMATCH), once you have checked that --master
                          is right (a master whose database was replaced on purpose). Containers of the
                          old cluster that this master does not want are then removed
  --metrics ADDR          serve GET /metrics (Prometheus' text format) at ADDR: PORT (on 127.0.0.1)
                          or HOST:PORT; no authentication, so keep it on loopback or a private
                          network (default: not served)
  -h, --help              this help

  The master's bearer token, if it needs one, comes from HELIOS_TOKEN.
`;

export interface AgentArgs {
  /** Repeatable, each a URL or a comma list. */
  master?: string | string[];
  ca?: string;
  cert?: string;
  key?: string;
  name?: string;
  'docker-host'?: string;
  'state-dir'?: string;
  labels?: string[];
  env?: string[];
  'port-range'?: string;
  heartbeat?: string;
  'bind-ip'?: string;
  pull?: string;
  'docker-config'?: string;
  'health-timeout'?: string;
  'max-kill-timeout'?: string;
  'image-gc-interval'?: string;
  'image-gc-grace'?: string;
  'image-gc-keep'?: string;
  'image-gc-all'?: boolean;
  'join-new-cluster'?: boolean;
  'status-resync'?: string;
  metrics?: string;
}

/** `K=V` pairs into a map; throws naming the flag and the bad pair. */
export function parsePairs(flag: string, pairs: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`${flag} "${pair}" must be KEY=VALUE`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/** The command line into `startAgent` options (the defaults are filled by `resolveOptions`); reads the TLS files. */
export function parseAgentArgs(args: AgentArgs, env: NodeJS.ProcessEnv = process.env): AgentOptions {
  const master = args.master ?? env.HELIOS_MASTER;
  if (!master || master.length === 0) throw new Error('--master is required (or set HELIOS_MASTER)');
  const bindIp = args['bind-ip'];
  if (bindIp !== undefined && !isIP(bindIp)) throw new Error(`--bind-ip "${bindIp}" is not an IP address`);
  const pull = args.pull;
  if (pull !== undefined && !isPullPolicy(pull)) throw new Error(`--pull "${pull}" must be one of ${PULL_POLICIES.join(', ')}`);
  return {
    master,
    tls: readTlsFiles(tlsPathsFrom(args, env)),
    name: args.name,
    dockerHost: args['docker-host'],
    stateDir: args['state-dir'],
    labels: parsePairs('--labels', args.labels),
    env: parsePairs('--env', args.env),
    portRange: args['port-range'],
    heartbeatMs: args.heartbeat === undefined ? undefined : parseDuration(args.heartbeat, '--heartbeat'),
    bindIp,
    pullPolicy: pull,
    dockerConfig: args['docker-config'],
    healthBackoff: args['health-timeout'] === undefined ? undefined : { giveUpMs: parseDuration(args['health-timeout'], '--health-timeout') },
    maxKillTimeoutMs: args['max-kill-timeout'] === undefined ? undefined : parseDuration(args['max-kill-timeout'], '--max-kill-timeout'),
    imageGc: imageGcArgs(args),
    joinNewCluster: args['join-new-cluster'],
    statusResyncMs: args['status-resync'] === undefined ? undefined : parseDuration(args['status-resync'], '--status-resync'),
    metrics: args.metrics === undefined ? undefined : parseMetricsAddress(args.metrics),
  };
}

function imageGcArgs(args: AgentArgs): AgentOptions['imageGc'] {
  const keep = args['image-gc-keep'];
  if (keep !== undefined && !/^\d{1,6}$/.test(keep)) throw new Error(`--image-gc-keep "${keep}" must be a whole number, 0 or more`);
  return {
    ...(args['image-gc-interval'] !== undefined && { intervalMs: parseDuration(args['image-gc-interval'], '--image-gc-interval') }),
    ...(args['image-gc-grace'] !== undefined && { graceMs: parseDuration(args['image-gc-grace'], '--image-gc-grace') }),
    ...(keep !== undefined && { keep: Number(keep) }),
    ...(args['image-gc-all'] !== undefined && { all: args['image-gc-all'] }),
  };
}
