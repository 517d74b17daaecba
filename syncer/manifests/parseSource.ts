import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { FileError } from '../../core/index.js';
import { documentCrossed, flowDepthCrossed } from './sourceLimits.js';

/** A parsed file: its value, and a way to find the line of a field path in it. */
export interface ParsedSource {
  value: unknown;
  /** The 1-based line of the deepest existing node along `segments` (a key's own line for map keys). */
  lineOf(segments: readonly string[]): number | undefined;
}

export type SourceResult = { ok: true; source: ParsedSource } | { ok: false; errors: FileError[] };

/**
 * Parses a job file's text (YAML, or JSON when the name ends in `.json`), keeping the CST positions so
 * every error can name its line. Syntax errors come back with the line they were found on, and so do
 * nesting past MAX_JOB_DEPTH and a YAML value that its aliases expand past `maxBytes` (sourceLimits.ts),
 * both found before the value is built.
 */
export function parseSource(file: string, text: string, maxBytes: number): SourceResult {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const deep = flowDepthCrossed(text);
  if (deep) return { ok: false, errors: [{ file, line: lineOfOffset(text, deep.offset), message: deep.message }] };
  return file.toLowerCase().endsWith('.json') ? parseJson(file, text) : parseYaml(file, text, maxBytes);
}

function parseYaml(file: string, text: string, maxBytes: number): SourceResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => ({ file, line: lineAt(lineCounter, e.pos[0]), message: firstLine(e.message) })),
    };
  }
  const crossed = documentCrossed(doc, maxBytes);
  if (crossed) return { ok: false, errors: [{ file, line: lineAt(lineCounter, crossed.offset), message: crossed.message }] };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { ok: false, errors: [{ file, line: 1, message: firstLine((err as Error).message) }] };
  }
  return { ok: true, source: { value, lineOf: locator(doc, lineCounter) } };
}

function parseJson(file: string, text: string): SourceResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const position = /at position (\d+)/.exec(message);
    const line = position ? lineOfOffset(text, Number(position[1])) : jsonErrorLine(text);
    return { ok: false, errors: [{ file, line, message: `invalid JSON: ${message}` }] };
  }
  // JSON is YAML: the YAML CST gives the lines of keys (when the parser accepts the text).
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const lineOf = doc.errors.length === 0 ? locator(doc, lineCounter) : () => undefined;
  return { ok: true, source: { value, lineOf } };
}

/** JSON.parse does not always say where; the YAML parser usually can. */
function jsonErrorLine(text: string): number {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const first = doc.errors[0];
  return first ? lineAt(lineCounter, first.pos[0]) : text.split('\n').length;
}

function locator(doc: Document, lineCounter: LineCounter) {
  return (segments: readonly string[]): number | undefined => {
    let node: unknown = doc.contents;
    let line = nodeLine(node, lineCounter);
    for (let i = 0; i < segments.length;) {
      const step = descend(node, segments, i);
      if (!step) break;
      node = step.node;
      line = step.keyOffset !== undefined ? lineAt(lineCounter, step.keyOffset) : nodeLine(node, lineCounter) ?? line;
      i = step.next;
    }
    return line;
  };
}

/**
 * One step down: a map key may itself contain dots (env names, volume paths), so the longest run of
 * segments that names a key wins.
 */
function descend(node: unknown, segments: readonly string[], i: number): { node: unknown; keyOffset?: number; next: number } | undefined {
  if (isMap(node)) {
    for (let j = segments.length; j > i; j--) {
      const key = segments.slice(i, j).join('.');
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      if (pair) return { node: pair.value, keyOffset: (pair.key as Node).range?.[0], next: j };
    }
    return undefined;
  }
  if (isSeq(node) && /^\d+$/.test(segments[i])) {
    const item = node.items[Number(segments[i])];
    return item === undefined ? undefined : { node: item, next: i + 1 };
  }
  return undefined;
}

function nodeLine(node: unknown, lineCounter: LineCounter): number | undefined {
  const range = (node as Node | null)?.range;
  return range ? lineAt(lineCounter, range[0]) : undefined;
}

function lineAt(lineCounter: LineCounter, offset: number): number {
  return Math.max(1, lineCounter.linePos(offset).line);
}

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

const firstLine = (message: string) => message.split('\n')[0].trim();
