/**
 * The CLI's short specs for job fields, shared with job files: `--env K=V`,
 * `-p name=[ip:]internal[:external][/proto]` and `--volume host:container[:ro|rw]`. Each returns the
 * entry it adds to the job's map, and throws INVALID_ARGUMENT naming the spec and the expected form.
 */
import { isIP } from 'node:net';
import { HeliosError } from '../errors/HeliosError.js';
import type { PortMapping } from '../schema/job.js';

const PORT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const ENV_FORM = 'expected KEY=VALUE';
const PORT_FORM = 'expected name=[ip:]internal[:external][/tcp|udp], e.g. http=8080 or http=127.0.0.1:8080:18080';
const VOLUME_FORM = 'expected host:/container[:ro|rw] or /container';

const invalid = (kind: string, spec: string, why: string) =>
  new HeliosError('INVALID_ARGUMENT', `invalid ${kind} "${spec}": ${why}`, { spec });

/**
 * `K=V` → `[K, V]`. The value may contain `=`; `K=` gives an empty value.
 * @example parseEnvSpec('JAVA_OPTS=-Da=b') // → ['JAVA_OPTS', '-Da=b']
 */
export function parseEnvSpec(spec: string): [string, string] {
  const eq = spec.indexOf('=');
  if (eq < 0) throw invalid('env spec', spec, ENV_FORM);
  if (eq === 0) throw invalid('env spec', spec, `the name is empty; ${ENV_FORM}`);
  return [spec.slice(0, eq), spec.slice(eq + 1)];
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
