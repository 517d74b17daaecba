/** One field of two jobs compared: its dotted path (`env.LOG`, `ports.http.externalPort`) and both values as JSON. */
export interface FieldChange {
  path: string;
  from?: string;
  to?: string;
  kind: 'changed' | 'added' | 'removed' | 'same';
}

/** Leaves of a JSON value by dotted path; arrays are one leaf (a command is read whole). */
function leaves(value: unknown, prefix: string, into: Map<string, string>): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [key, inner] of Object.entries(value)) leaves(inner, prefix ? `${prefix}.${key}` : key, into);
  } else if (prefix) {
    into.set(prefix, JSON.stringify(value));
  }
  return into;
}

/** Every field of `from` and `to`, field by field, sorted by path. Pure: the diff page and its test. */
export function diffJobs(from: object, to: object): FieldChange[] {
  const a = leaves(from, '', new Map());
  const b = leaves(to, '', new Map());
  return [...new Set([...a.keys(), ...b.keys()])].sort().map((path) => {
    const before = a.get(path);
    const after = b.get(path);
    const kind = before === undefined ? 'added' : after === undefined ? 'removed' : before === after ? 'same' : 'changed';
    return { path, kind, ...(before === undefined ? {} : { from: before }), ...(after === undefined ? {} : { to: after }) };
  });
}
