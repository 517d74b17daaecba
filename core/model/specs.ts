/**
 * The CLI's short specs for job fields, shared with job files: `--env K=V` (and `-m`, `--labels`),
 * `-p name=[ip:]internal[:external][/proto]`, `--volume host:container[:ro|rw]`,
 * `-r service[/proto][=port]` and `--rollout-options key=value`. Each returns the entry it adds to the
 * job's map, and throws INVALID_ARGUMENT naming the spec and the expected form.
 */
import { isIP } from 'node:net';
import { HeliosError } from '../errors/HeliosError.js';
import type { JobSpec, PortMapping } from '../schema/job.js';

const PORT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const PAIR_FORM = 'expected KEY=VALUE';
const PORT_FORM = 'expected name=[ip:]internal[:external][/tcp|udp], e.g. http=8080 or http=127.0.0.1:8080:18080';
const VOLUME_FORM = 'expected host:/container[:ro|rw] or /container';

const invalid = (kind: string, spec: string, why: string) =>
  new HeliosError('INVALID_ARGUMENT', `invalid ${kind} "${spec}": ${why}`, { spec });

/**
 * `K=V` → `[K, V]`. The value may contain `=`; `K=` gives an empty value.
 * @example parseEnvSpec('JAVA_OPTS=-Da=b') // → ['JAVA_OPTS', '-Da=b']
 */
export const parseEnvSpec = (spec: string): [string, string] => parsePairSpec('env spec', spec);

/**
 * `K=V` → `[K, V]` for any map flag (`-m/--metadata`, `--labels`); `kind` names it in the error.
 * @example parsePairSpec('label', 'team=web') // → ['team', 'web']
 */
export function parsePairSpec(kind: string, spec: string): [string, string] {
  const eq = spec.indexOf('=');
  if (eq < 0) throw invalid(kind, spec, PAIR_FORM);
  if (eq === 0) throw invalid(kind, spec, `the name is empty; ${PAIR_FORM}`);
  return [spec.slice(0, eq), spec.slice(eq + 1)];
}

/** `-r`'s three parts: the service, its protocol (default `http`, as Helios' ServiceEndpoint) and a port name. */
export interface RegistrationSpec {
  service: string;
  protocol: string;
  port?: string;
}

const REGISTRATION_SPEC = /^([\w-]+)(?:\/([\w-]+))?(?:=([A-Za-z0-9_][\w.-]*))?$/;
const REGISTRATION_FORM = 'expected service[/protocol][=port-name], e.g. web or web/tcp=http';

/**
 * `service[/protocol][=port]` → its parts; the port may be left out when the job has one port
 * (`registrationEntry` decides).
 * @example parseRegistrationSpec('web/tcp=http') // → { service: 'web', protocol: 'tcp', port: 'http' }
 */
export function parseRegistrationSpec(spec: string): RegistrationSpec {
  const m = REGISTRATION_SPEC.exec(spec);
  if (!m) throw invalid('registration', spec, REGISTRATION_FORM);
  const [, service, protocol = 'http', port] = m;
  return port === undefined ? { service, protocol } : { service, protocol, port };
}

/**
 * The job's `registration` entry for a parsed `-r`, given the job's port names: a spec without a port
 * takes the job's only port, as Helios' CLI does.
 * @example registrationEntry({ service: 'web', protocol: 'http' }, ['http']) // → ['web/http', { ports: { http: {} } }]
 */
export function registrationEntry(spec: RegistrationSpec, portNames: string[]): [string, { ports: Record<string, object> }] {
  const text = `${spec.service}/${spec.protocol}${spec.port === undefined ? '' : `=${spec.port}`}`;
  let port = spec.port;
  if (port === undefined) {
    if (portNames.length !== 1) {
      throw invalid('registration', text, portNames.length === 0
        ? 'the job has no port to register: add one with -p NAME=PORT'
        : `the job has ${portNames.length} ports (${portNames.join(', ')}): name one, e.g. ${spec.service}=${portNames[0]}`);
    }
    [port] = portNames;
  }
  return [`${spec.service}/${spec.protocol}`, { ports: { [port]: {} } }];
}

type RolloutOptions = NonNullable<JobSpec['rolloutOptions']>;
const ROLLOUT_KINDS = {
  timeout: 'integer', parallelism: 'integer', migrate: 'boolean', overlap: 'boolean', ignoreFailures: 'boolean', token: 'string',
  minHealthySeconds: 'integer', autoRevert: 'boolean',
} as const satisfies Record<keyof RolloutOptions, string>;

/**
 * `--rollout-options key=value`, repeated → the job's `rolloutOptions`: numbers and booleans typed
 * (`parallelism=2` → 2, `overlap=true` → true), as Helios reads them. Keys Helios does not know are
 * ignored as Helios does, and returned so that the caller can warn.
 * @example parseRolloutOptions(['parallelism=2', 'overlap=true', 'foo=bar']) // → { options: { parallelism: 2, overlap: true }, unknown: ['foo'] }
 */
export function parseRolloutOptions(specs: string[]): { options: RolloutOptions; unknown: string[] } {
  const options: Record<string, unknown> = {};
  const unknown: string[] = [];
  for (const spec of specs) {
    const [key, text] = parsePairSpec('rollout option', spec);
    if (!Object.hasOwn(ROLLOUT_KINDS, key)) {
      unknown.push(key);
      continue;
    }
    const kind = ROLLOUT_KINDS[key as keyof RolloutOptions];
    if (kind === 'integer') {
      if (!/^-?\d+$/.test(text.trim())) throw invalid('rollout option', spec, `${key} must be a whole number`);
      options[key] = Number(text.trim());
    } else if (kind === 'boolean') {
      const word = text.trim().toLowerCase();
      if (word !== 'true' && word !== 'false') throw invalid('rollout option', spec, `${key} must be true or false`);
      options[key] = word === 'true';
    } else {
      options[key] = text;
    }
  }
  return { options: options as RolloutOptions, unknown };
}

/**
 * `name=[ip:]internal[:external][/proto]` → `[name, PortMapping]`; the protocol defaults to tcp and
 * no external port means one is allocated on the host. An IPv6 address goes in brackets.
 * @example parsePortSpec('dns=127.0.0.1:53:5353/udp') // → ['dns', { ip: '127.0.0.1', internalPort: 53, externalPort: 5353, protocol: 'udp' }]
 */
export function parsePortSpec(spec: string): [string, PortMapping] {
  const eq = spec.indexOf('=');
  if (eq < 0) throw invalid('port spec', spec, PORT_FORM);
  const name = spec.slice(0, eq);
  if (!PORT_NAME.test(name)) throw invalid('port spec', spec, `port name "${name}" may only contain letters, digits, "_", "." and "-"; ${PORT_FORM}`);
  let rest = spec.slice(eq + 1);
  let protocol: 'tcp' | 'udp' = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    const proto = rest.slice(slash + 1);
    if (proto !== 'tcp' && proto !== 'udp') throw invalid('port spec', spec, `protocol "${proto}" must be tcp or udp`);
    protocol = proto;
    rest = rest.slice(0, slash);
  }
  let ip: string | undefined;
  const bracketed = /^\[([^\]]*)\]:(.*)$/.exec(rest);
  if (bracketed) [, ip, rest] = bracketed;
  const parts = rest.split(':');
  if (!ip && parts.length >= 2 && (parts.length === 3 || isIP(parts[0]) !== 0)) ip = parts.shift();
  if (ip !== undefined && isIP(ip) === 0) throw invalid('port spec', spec, `"${ip}" is not an IP address; ${PORT_FORM}`);
  if (parts.length > 2) throw invalid('port spec', spec, PORT_FORM);
  const [internal, external] = parts;
  const port: PortMapping = { internalPort: portNumber(spec, 'internal', internal) };
  if (external !== undefined) port.externalPort = portNumber(spec, 'external', external);
  if (ip !== undefined) port.ip = ip;
  port.protocol = protocol;
  return [name, port];
}

function portNumber(spec: string, which: string, text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) {
    throw invalid('port spec', spec, `${which} port "${text}" must be a number between 0 and 65535; ${PORT_FORM}`);
  }
  return Number(text);
}

/**
 * `host:container[:ro|rw]` or `/container[:ro|rw]` → the job's volumes entry
 * `["container[:ro|rw]", host]`; a single path gives `""`, an anonymous volume. The host side is an
 * absolute path or a volume name.
 * @example parseVolumeSpec('/srv/data:/data:ro') // → ['/data:ro', '/srv/data']
 */
export function parseVolumeSpec(spec: string): [string, string] {
  const parts = spec.split(':');
  let mode: string | undefined;
  if (parts.length > 1 && (parts[parts.length - 1] === 'ro' || parts[parts.length - 1] === 'rw')) mode = parts.pop();
  if (parts.length > 2 || parts.some((part) => part === '')) throw invalid('volume spec', spec, VOLUME_FORM);
  const [host, container] = parts.length === 2 ? parts : ['', parts[0]];
  if (!container.startsWith('/')) throw invalid('volume spec', spec, `container path "${container}" must be absolute; ${VOLUME_FORM}`);
  if (/^\/+$/.test(container)) throw invalid('volume spec', spec, 'container path must not be / (the container root)');
  if (host !== '' && !host.startsWith('/') && !VOLUME_NAME.test(host)) {
    throw invalid('volume spec', spec, `host side "${host}" must be an absolute path or a volume name; ${VOLUME_FORM}`);
  }
  return [mode ? `${container}:${mode}` : container, host];
}
