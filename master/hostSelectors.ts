/**
 * Host selectors for `GET /hosts?selector=`. Parsing and matching belong to core/model/hostSelector.ts;
 * this adapter keeps the route independent of how they are spelled there.
 */
import { invalidRequest } from '../core/index.js';

export interface Selector {
  label: string;
  op: '=' | '!=' | 'in' | 'notin';
  values: string[];
}

const PATTERN = /^\s*([A-Za-z0-9_.\-/]+)\s*(=|!=|\s+in\s+|\s+notin\s+)\s*(.*?)\s*$/;

/** Parses `label = v`, `label != v`, `label in (a, b)`, `label notin (a, b)`; INVALID_REQUEST otherwise. */
export function parseSelector(text: string): Selector {
  const m = PATTERN.exec(text);
  if (!m) throw invalidRequest(`query parameter selector: cannot parse ${JSON.stringify(text)}; expected LABEL=VALUE, LABEL!=VALUE, LABEL in (A, B) or LABEL notin (A, B)`, { field: 'selector' });
  const op = m[2].trim() as Selector['op'];
  let values: string[];
  if (op === 'in' || op === 'notin') {
    const list = /^\((.*)\)$/.exec(m[3]);
    if (!list) throw invalidRequest(`query parameter selector: ${JSON.stringify(text)}: ${op} needs a list in parentheses, e.g. ${m[1]} ${op} (a, b)`, { field: 'selector' });
    values = list[1].split(',').map((v) => v.trim()).filter(Boolean);
  } else {
    if (!m[3]) throw invalidRequest(`query parameter selector: ${JSON.stringify(text)} has no value`, { field: 'selector' });
    values = [m[3]];
  }
  return { label: m[1], op, values };
}

/** A host must have every selector's label and satisfy every selector (AND). */
export function matchesSelectors(labels: Record<string, string>, selectors: readonly Selector[]): boolean {
  return selectors.every((s) => {
    if (!Object.hasOwn(labels, s.label)) return false;
    const value = labels[s.label];
    switch (s.op) {
      case '=': case 'in': return s.values.includes(value);
      case '!=': case 'notin': return !s.values.includes(value);
    }
  });
}
