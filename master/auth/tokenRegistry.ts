import { timingSafeEqual } from 'node:crypto';
import { defaultTokenName, type TokenEntry } from './tokenFile.js';
import { secretDigest as digest } from './secretDigest.js';

/**
 * The tokens a master accepts, looked up in constant time per token (SHA-256 digests compared with
 * timingSafeEqual, so neither the length nor a prefix leaks). `replace` swaps the whole set at once
 * (a SIGHUP reload): a request sees the old set or the new one, never a mix.
 */
export function createTokenRegistry(initial: ReadonlyArray<TokenEntry | string>) {
  let known: Array<{ digest: Buffer; entry: TokenEntry }> = [];
  const replace = (entries: ReadonlyArray<TokenEntry | string>) => {
    known = entries.map((e) => (typeof e === 'string' ? { token: e, role: 'admin' as const, name: defaultTokenName(e) } : e))
      .map((entry) => ({ digest: digest(entry.token), entry }));
  };
  replace(initial);
  return {
    /** The entry of `token`, or undefined. */
    lookup(token: string): TokenEntry | undefined {
      const given = digest(token);
      let found: TokenEntry | undefined;
      for (const k of known) if (timingSafeEqual(k.digest, given)) found = k.entry;
      return found;
    },
    replace,
    size: () => known.length,
    /** How many tokens of each role, for the reload log line. */
    roles: () => known.reduce<Record<string, number>>((n, { entry }) => ({ ...n, [entry.role]: (n[entry.role] ?? 0) + 1 }), {}),
  };
}

export type TokenRegistry = ReturnType<typeof createTokenRegistry>;
