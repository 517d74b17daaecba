import { createHash } from 'node:crypto';
import { HashedJobSchema, type HashedJob } from '../schema/job.js';
import { canonicalJson } from './canonicalJson.js';

const sha1hex = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex');

/**
 * The Helios job id hash: `sha1("<name>:<version>:" + sha1(canonical job json))`.
 * @example jobHash({ name: 'foo', version: 'v1', image: 'rohan/memcached-tiny' })
 *   // → '2a89d5a87851d68678aabdad38d31faa296f5bf1'
 */
export function jobHash(job: HashedJob): string {
  const configHash = sha1hex(canonicalJson(HashedJobSchema, job));
  return sha1hex(`${job.name}:${job.version}:${configHash}`);
}

export interface JobIdParts {
  name: string;
  version: string;
  hash?: string;
}

/** Splits `name:version[:hash]`; returns null when the string has not that shape. */
export function parseJobId(id: string): JobIdParts | null {
  const parts = id.split(':');
  if (parts.length < 2 || parts.length > 3) return null;
  const [name, version, hash] = parts;
  return hash === undefined ? { name, version } : { name, version, hash };
}

export const formatJobId = ({ name, version, hash }: JobIdParts) =>
  hash ? `${name}:${version}:${hash}` : `${name}:${version}`;
