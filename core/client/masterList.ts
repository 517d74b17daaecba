import { HeliosError } from '../errors/HeliosError.js';

const MASTER_URL = /^https?:\/\/[^/\s,]+/;

/**
 * The masters of one cluster from a repeatable flag whose values may be comma lists (`--master A,B
 * --master C`, `HELIOS_MASTER=A,B`): every URL once, in the order given. An empty list is the caller's
 * to refuse; a value that is not an http(s) URL is INVALID_ARGUMENT naming `source`.
 * @example masterList(['http://m1:5801,http://m2:5801'], '--master') // → ['http://m1:5801', 'http://m2:5801']
 */
export function masterList(values: readonly string[], source: string): string[] {
  const masters = values.flatMap((value) => value.split(',')).map((url) => url.trim()).filter(Boolean);
  for (const url of masters) {
    if (!MASTER_URL.test(url)) {
      throw new HeliosError('INVALID_ARGUMENT', `${source}: '${url}' is not a master URL: expected http://host:port or https://host:port`);
    }
  }
  return [...new Set(masters)];
}
