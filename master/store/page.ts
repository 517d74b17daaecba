/** A page of a list read in key order: its items as JSON texts, and the key to ask the next page after. */
export interface Page<K> {
  texts: string[];
  /** The last item's key, when more items follow; absent on the last page. */
  next?: K;
}

export interface PageOptions<R, K> {
  limit: number;
  /** The page ends before its texts would pass this many characters (one item at least). */
  maxChars: number;
  /** The item's JSON text, or undefined to leave the row out (a filter). */
  text(row: R): string | undefined;
  key(row: R): K;
}

/**
 * Takes one page from rows read one at a time (a statement's `iterate()`, in key order after the
 * previous page's `next`): up to `limit` items, fewer once their texts would pass `maxChars`, so that
 * no answer nears V8's string limit. Leaving the loop early finalizes the statement.
 */
export function takePage<R, K>(rows: Iterable<R>, o: PageOptions<R, K>): Page<K> {
  const texts: string[] = [];
  let chars = 0;
  let last: K | undefined;
  for (const row of rows) {
    const text = o.text(row);
    if (text === undefined) continue;
    if (texts.length === o.limit || (texts.length > 0 && chars + text.length > o.maxChars)) return { texts, next: last };
    texts.push(text);
    chars += text.length + 1;
    last = o.key(row);
  }
  return { texts };
}

/** `,"next":KEY` for a page that has one, to close a spliced answer with. */
export const nextField = (page: Page<string | number>): string => (page.next === undefined ? '' : `,"next":${JSON.stringify(page.next)}`);
