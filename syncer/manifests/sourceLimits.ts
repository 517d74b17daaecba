/**
 * Shape limits checked on a job file before its value is built, so that no file can overflow the
 * stack (deep nesting) or memory (YAML aliases) of the syncer or the master: each limit crossed is a
 * file error at the line where it is crossed.
 */
import { Lexer, isAlias, isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import { MAX_JOB_DEPTH } from '../../core/model/limits.js';

/** Where a limit is crossed: the offset in the text, and what to tell the author. */
export interface LimitCrossed {
  offset: number;
  message: string;
}

/** Thrown inside the walk to stop at the first limit crossed. */
class Crossed extends Error {
  constructor(readonly crossed: LimitCrossed) {
    super(crossed.message);
  }
}

/** The lexer's own markers (document start, flow end, scalar, BOM): tokens that are not in the text. */
const LEXER_MARKERS = new Set(['\x02', '\x18', '\x1f', '\ufeff']);

const tooDeep = `nested more than ${MAX_JOB_DEPTH} levels deep (a job nests 4 at most)`;

/**
 * The first flow collection (`[`, `{`, as in JSON) opened past MAX_JOB_DEPTH, found by yaml's lexer,
 * which keeps no stack (the parser and JSON.stringify recurse, and overflow near 6,000 levels).
 * Quoted strings, comments and block scalars are single tokens, so brackets inside them do not count.
 */
export function flowDepthCrossed(text: string): LimitCrossed | undefined {
  // Most files hold a few brackets: fewer than the limit cannot nest past it.
  let brackets = 0;
  for (let i = 0; i < text.length && brackets <= MAX_JOB_DEPTH; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) brackets++;
  }
  if (brackets <= MAX_JOB_DEPTH) return undefined;
  let depth = 0;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === '[' || token === '{') {
      if (++depth > MAX_JOB_DEPTH) return { offset, message: tooDeep };
    } else if (token === ']' || token === '}') {
      depth--;
    }
    if (!LEXER_MARKERS.has(token)) offset += token.length;
  }
  return undefined;
}

/**
 * Walks a parsed YAML document as its value would be built, without building it: every alias counts
 * what it expands to (its anchor's size and depth, measured once), not 1 as yaml's maxAliasCount counts
 * it. So a 600 KB anchor with 99 aliases is refused at the alias that passes `maxBytes` instead of
 * becoming 60 MB. Sizes are a lower bound of the value's JSON length (strings count their characters
 * and quotes), so a file refused here is over the limit as JSON too.
 */
export function documentCrossed(doc: Document, maxBytes: number): LimitCrossed | undefined {
  const measured = new Map<unknown, { bytes: number; height: number }>();
  let total = 0;
  const crossed = (node: Node, message: string): never => {
    throw new Crossed({ offset: node.range?.[0] ?? 0, message });
  };
  const add = (node: Node, bytes: number) => {
    total += bytes;
    if (total > maxBytes) {
      crossed(node, `the file's value is over ${maxBytes} bytes${isAlias(node) ? ` once its YAML aliases are expanded (*${node.source} alone is ${bytes})` : ''}: over the limit for a job file (--max-file-bytes)`);
    }
  };
  /** Bytes and height (levels of collections) of a node's value; `depth` is how deep the node sits. */
  const measure = (node: unknown, depth: number): { bytes: number; height: number } => {
    if (isAlias(node)) {
      const target = measured.get(node.resolve(doc)) ?? crossed(node, `*${node.source} refers to an anchor that encloses it`);
      if (depth + target.height > MAX_JOB_DEPTH) crossed(node, `${tooDeep} once *${node.source} is expanded`);
      add(node, target.bytes);
      return target;
    }
    let result: { bytes: number; height: number };
    if (isMap(node) || isSeq(node)) {
      if (depth >= MAX_JOB_DEPTH) crossed(node, tooDeep);
      let bytes = 2 + Math.max(0, node.items.length - 1);
      let height = 0;
      add(node, bytes);
      for (const item of node.items) {
        for (const child of isMap(node) ? [(item as { key: unknown }).key, (item as { value: unknown }).value] : [item]) {
          if (child === null || child === undefined) continue;
          const m = measure(child, depth + 1);
          bytes += m.bytes;
          height = Math.max(height, m.height);
        }
        if (isMap(node)) { bytes += 1; add(node, 1); }
      }
      result = { bytes, height: height + 1 };
    } else {
      const value = isScalar(node) ? node.value : null;
      const bytes = typeof value === 'string' ? value.length + 2 : String(value).length;
      add(node as Node, bytes);
      result = { bytes, height: 0 };
    }
    if ((node as { anchor?: string }).anchor) measured.set(node, result);
    return result;
  };
  try {
    if (doc.contents) measure(doc.contents, 0);
    return undefined;
  } catch (err) {
    if (err instanceof Crossed) return err.crossed;
    throw err;
  }
}
