/**
 * During `pulumi preview` the engine sends values it does not know yet (outputs of resources still to
 * be created) as this sentinel string, anywhere in the inputs.
 */
export const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(containsUnknown);
  return false;
}

/**
 * Returns a copy without the unknown values, and the dotted paths where they were (`env.DB`,
 * `command.1`), so that validation can skip what it cannot see yet.
 */
export function withoutUnknowns(value: unknown, path = ''): { known: unknown; unknownPaths: string[] } {
  if (value === UNKNOWN) return { known: undefined, unknownPaths: [path] };
  const unknownPaths: string[] = [];
  const join = (key: string | number) => (path ? `${path}.${key}` : String(key));
  if (Array.isArray(value)) {
    const known = value.map((item, i) => {
      const inner = withoutUnknowns(item, join(i));
      unknownPaths.push(...inner.unknownPaths);
      // An unknown list item becomes a string so the list keeps its shape and its item type checks.
      return inner.known === undefined && item === UNKNOWN ? '' : inner.known;
    });
    return { known, unknownPaths };
  }
  if (typeof value === 'object' && value !== null) {
    const known: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const inner = withoutUnknowns(item, join(key));
      unknownPaths.push(...inner.unknownPaths);
      if (inner.known !== undefined) known[key] = inner.known;
    }
    return { known, unknownPaths };
  }
  return { known: value, unknownPaths };
}

/** True when `path` is at, inside or above one of `unknownPaths` (its validity depends on them). */
export function touchesUnknown(path: string, unknownPaths: readonly string[]): boolean {
  return unknownPaths.some((u) => path === u || path.startsWith(`${u}.`) || u.startsWith(`${path}.`) || path === '');
}
