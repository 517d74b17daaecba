/**
 * Host selectors (`label = v`, `label != v`, `label in (a, b)`, `label notin (a, b)`), in Helios' JSON
 * shape `{ label, operator: EQUALS|NOT_EQUALS|IN|NOT_IN, operand }` so deployment groups stay
 * compatible.
 */
import { Type, type Static } from '@sinclair/typebox';
import { HeliosError } from '../errors/HeliosError.js';

export const HostSelectorSchema = Type.Union([
  Type.Object({ label: Type.String(), operator: Type.Union([Type.Literal('EQUALS'), Type.Literal('NOT_EQUALS')]), operand: Type.String() }),
  Type.Object({ label: Type.String(), operator: Type.Union([Type.Literal('IN'), Type.Literal('NOT_IN')]), operand: Type.Array(Type.String()) }),
]);
export type HostSelector = Static<typeof HostSelectorSchema>;

const WORD = '[A-Za-z0-9._-]+';
const EQUALITY = new RegExp(`^\\s*(${WORD})\\s*(!=|=)\\s*(${WORD})\\s*$`);
const MEMBERSHIP = new RegExp(`^\\s*(${WORD})\\s+(in|notin)\\s*\\(([^()]*)\\)\\s*$`);
const VALUE = new RegExp(`^${WORD}$`);
const EXPECTED = 'expected "label = value", "label != value", "label in (a, b)" or "label notin (a, b)"; '
  + 'labels and values may contain letters, digits, ".", "_" and "-"';

const symbols = { EQUALS: '=', NOT_EQUALS: '!=', IN: 'in', NOT_IN: 'notin' } as const;

/**
 * Parses one selector; throws INVALID_ARGUMENT saying which forms are accepted.
 * @example parseHostSelector('role in (web, api)') // → { label: 'role', operator: 'IN', operand: ['web', 'api'] }
 */
export function parseHostSelector(text: string): HostSelector {
  const equality = EQUALITY.exec(text);
  if (equality) {
    const [, label, op, operand] = equality;
    return { label, operator: op === '=' ? 'EQUALS' : 'NOT_EQUALS', operand };
  }
  const membership = MEMBERSHIP.exec(text);
  if (!membership) throw invalid(text, EXPECTED);
  const [, label, op, list] = membership;
  // An empty list is valid, as in Helios: `in ()` matches no value, `notin ()` every value.
  if (list.trim() === '') return { label, operator: op === 'in' ? 'IN' : 'NOT_IN', operand: [] };
  const values = [...new Set(list.split(',').map((value) => value.trim()))];
  const bad = values.find((value) => !VALUE.test(value));
  if (bad !== undefined) {
    throw invalid(text, bad === '' ? 'the list has an empty value' : `value "${bad}" may only contain letters, digits, ".", "_" and "-"`);
  }
  return { label, operator: op === 'in' ? 'IN' : 'NOT_IN', operand: values };
}

const invalid = (text: string, why: string) =>
  new HeliosError('INVALID_ARGUMENT', `invalid host selector "${text}": ${why}`, { selector: text });

/**
 * Whether a host with these labels is selected: it must *have* every selector's label and satisfy
 * every selector (AND). An empty selector list matches nothing, as in Helios: a deployment group
 * without selectors must not grab every host. So `role notin ()` selects every host with a `role`
 * label, and `role in ()` none.
 */
export function matchesHostSelectors(selectors: readonly HostSelector[], labels: Readonly<Record<string, string>>): boolean {
  if (selectors.length === 0) return false;
  return selectors.every((selector) => Object.hasOwn(labels, selector.label) && matchesValue(selector, labels[selector.label]));
}

function matchesValue(selector: HostSelector, value: string): boolean {
  switch (selector.operator) {
    case 'EQUALS': return value === selector.operand;
    case 'NOT_EQUALS': return value !== selector.operand;
    case 'IN': return selector.operand.includes(value);
    case 'NOT_IN': return !selector.operand.includes(value);
  }
}

/** The text form `parseHostSelector` reads back, e.g. `role in (web, api)`. */
export function formatHostSelector(selector: HostSelector): string {
  const operand = Array.isArray(selector.operand) ? `(${selector.operand.join(', ')})` : selector.operand;
  return `${selector.label} ${symbols[selector.operator]} ${operand}`;
}
