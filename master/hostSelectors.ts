/** `GET /hosts?selector=`: core's host selectors, with parse errors reported as a bad query parameter. */
import { invalidRequest, isHeliosError } from '../core/index.js';
import { matchesHostSelectors, parseHostSelector, type HostSelector } from '../core/model/hostSelector.js';

export function parseSelector(text: string): HostSelector {
  try {
    return parseHostSelector(text);
  } catch (err) {
    if (!isHeliosError(err)) throw err;
    throw invalidRequest(`query parameter selector: ${err.message}`, { field: 'selector', selector: text });
  }
}

/** A host must have every selector's label and satisfy every selector (AND). */
export const matchesSelectors = (labels: Record<string, string>, selectors: readonly HostSelector[]) =>
  matchesHostSelectors(selectors, labels);
