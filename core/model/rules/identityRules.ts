/** The job's name and version: from `id` (`name:version[:hash]`) or from `name` and `version`. */
import type { FieldError } from '../../errors/HeliosError.js';
import { fieldError, isString, type JobRule } from './ruleKit.js';

const NAME_VERSION = /^[0-9a-zA-Z_.-]+$/;
const HASH = /^[0-9a-f]{40}$/;
const CHARSET = 'may only contain letters, digits, "-", "_" and "."';
/** So that `name:version:hash` stays within what every path of the API accepts (500 characters). */
const MAX_PART = 200;

export const identityRules: JobRule = (spec) => {
  const errors: FieldError[] = [];
  const { id, name, version } = spec;
  let fromId: { name: string; version: string } | undefined;
  if (isString(id)) {
    const parts = id.split(':');
    if (parts.length < 2 || parts.length > 3 || (parts.length === 3 && !HASH.test(parts[2]))) {
      errors.push(fieldError('id', 'must be "name:version" or "name:version:<40 lower-case hex hash>"'));
    } else {
      fromId = { name: parts[0], version: parts[1] };
    }
  }
  for (const field of ['name', 'version'] as const) {
    const given = field === 'name' ? name : version;
    const implied = fromId?.[field];
    if (given === undefined && implied === undefined) {
      if (fromId === undefined && !isString(id)) errors.push(fieldError(field, `is required (or give id "name:version")`));
      continue;
    }
    if (isString(given) && implied !== undefined && given !== implied) {
      errors.push(fieldError(field, `"${given}" does not match the id's ${field} "${implied}"`));
      continue;
    }
    const value = isString(given) ? given : implied;
    const path = isString(given) ? field : 'id';
    if (value === '') errors.push(fieldError(path, `${path === 'id' ? `${field} ` : ''}must not be empty`));
    else if (value !== undefined && !NAME_VERSION.test(value)) errors.push(fieldError(path, `${path === 'id' ? `${field} ` : ''}${CHARSET}`));
    else if (value !== undefined && value.length > MAX_PART) errors.push(fieldError(path, `${path === 'id' ? `${field} ` : ''}must be at most ${MAX_PART} characters`));
  }
  return errors;
};
