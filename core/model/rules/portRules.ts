/** Ports, and everything that names a port: registration, the health check, the grace period. */
import { isIP } from 'node:net';
import type { FieldError } from '../../errors/HeliosError.js';
import {
  entriesOf, fieldError, isInt, isPort, isRecord, isString, joinPath, listOf, PORT_RANGE, waitRangeErrors, type JobRule,
} from './ruleKit.js';

const PORT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const REGISTRATION_KEY = /^[\w-]+(?:\/[\w-]+)?$/;

export const portRules: JobRule = (spec) => {
  const errors: FieldError[] = [];
  const claimed = new Map<string, string>();
  for (const [name, port] of entriesOf(spec.ports)) {
    const path = joinPath('ports', name);
    if (!PORT_NAME.test(name)) errors.push(fieldError(path, 'port name may only contain letters, digits, "_", "." and "-"'));
    if (!isRecord(port)) continue;
    if (isInt(port.internalPort) && !isPort(port.internalPort)) errors.push(fieldError(`${path}.internalPort`, PORT_RANGE));
    if (isInt(port.externalPort) && !isPort(port.externalPort)) errors.push(fieldError(`${path}.externalPort`, PORT_RANGE));
    if (isString(port.ip) && isIP(port.ip) === 0) errors.push(fieldError(`${path}.ip`, 'must be an IP address, e.g. 127.0.0.1'));
    if (isInt(port.externalPort) && isPort(port.externalPort)) {
      const key = `${isString(port.protocol) ? port.protocol : 'tcp'}:${port.externalPort}`;
      const other = claimed.get(key);
      if (other) errors.push(fieldError(`${path}.externalPort`, `${key} is already used by ports.${other}`));
      else claimed.set(key, name);
    }
  }
  return errors;
};

export const registrationRules: JobRule = (spec) => {
  const errors: FieldError[] = [];
  const portNames = Object.keys(isRecord(spec.ports) ? spec.ports : {});
  const seen = new Map<string, string>();
  for (const [key, value] of entriesOf(spec.registration)) {
    const path = joinPath('registration', key);
    if (!REGISTRATION_KEY.test(key)) {
      errors.push(fieldError(path, 'key must be "service/protocol" (letters, digits, "_" and "-")'));
    } else {
      const endpoint = key.includes('/') ? key : `${key}/http`;
      const other = seen.get(endpoint);
      if (other !== undefined) errors.push(fieldError(path, `same endpoint as registration.${other} (${endpoint})`));
      else seen.set(endpoint, key);
    }
    if (!isRecord(value)) continue;
    for (const [portName] of entriesOf(value.ports)) {
      if (!portNames.includes(portName)) {
        errors.push(fieldError(joinPath(path, 'ports', portName), `must name a port in ports (known: ${listOf(portNames)})`));
      }
    }
  }
  return errors;
};

export const healthCheckRules: JobRule = (spec) => {
  const check = spec.healthCheck;
  if (!isRecord(check)) return [];
  const errors: FieldError[] = [];
  const ports = isRecord(spec.ports) ? spec.ports : {};
  if ((check.type === 'http' || check.type === 'tcp') && isString(check.port)) {
    const port = ports[check.port];
    if (!Object.hasOwn(ports, check.port)) {
      errors.push(fieldError('healthCheck.port', `must name a port in ports (known: ${listOf(Object.keys(ports))})`));
    } else if (isRecord(port) && port.protocol === 'udp') {
      errors.push(fieldError('healthCheck.port', `must name a tcp port; ${check.port} is udp`));
    }
  }
  if (check.type === 'http' && isString(check.path) && !check.path.startsWith('/')) {
    errors.push(fieldError('healthCheck.path', 'must start with /'));
  }
  if (check.type === 'exec' && Array.isArray(check.command)) {
    if (check.command.length === 0 || check.command.every((part) => part === '')) {
      errors.push(fieldError('healthCheck.command', 'must not be empty'));
    }
  }
  return errors;
};

export const gracePeriodRules: JobRule = (spec) => {
  const errors: FieldError[] = [];
  const grace = spec.gracePeriod;
  if (!isInt(grace)) return errors;
  errors.push(...waitRangeErrors('gracePeriod', grace, 0, 'seconds'));
  const staticPorts = entriesOf(spec.ports).filter(([, port]) => isRecord(port) && isInt(port.externalPort)).map(([name]) => name);
  if (grace > 0 && staticPorts.length > 0) {
    errors.push(fieldError('gracePeriod', `cannot be used with a static externalPort (ports.${staticPorts[0]}); drop one of them`));
  }
  return errors;
};
