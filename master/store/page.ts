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
 * Fills one page from rows offered one at a time in key order (after the previous page's `next`): up
 * to `limit` items, fewer once their texts would pass `maxChars`, so that no answer nears V8's string
 * limit. `offer` answers false once a row no longer fits: the page is done and has a `next`.
 */
function createPage<R, K>(o: PageOptions<R, K>) {
  const texts: string[] = [];
  let chars = 0;
  let last: K | undefined;
  let full = false;
  return {
    offer(row: R): boolean {
      const text = o.text(row);
      if (text === undefined) return true;
      if (texts.length === o.limit || (texts.length > 0 && chars + text.length > o.maxChars)) {
        full = true;
        return false;
      }
      texts.push(text);
      chars += text.length + 1;
      last = o.key(row);
      return true;
    },
    page: (): Page<K> => (full ? { texts, next: last } : { texts }),
  };
}

/** One page from rows read one at a time (a statement's `iterate()`); leaving the loop early finalizes the statement. */
export function takePage<R, K>(rows: Iterable<R>, o: PageOptions<R, K>): Page<K> {
  const page = createPage(o);
  for (const row of rows) if (!page.offer(row)) break;
  return page.page();
}

/** Rows fetched per query after the first `limit + 1` (a filter may leave many out). */
const BATCH = 1_000;

/** One page from rows fetched in batches after a key (`fetch(after, n)`: the next n rows in key order). */
export async function fetchPage<R, K>(fetch: (after: K, n: number) => Promise<R[]>, after: K, o: PageOptions<R, K>): Promise<Page<K>> {
  const page = createPage(o);
  for (let n = o.limit + 1; ; n = BATCH) {
    const rows = await fetch(after, n);
    for (const row of rows) if (!page.offer(row)) return page.page();
    if (rows.length < n) return page.page();
    after = o.key(rows[rows.length - 1]);
  }
}

/** `,"next":KEY` for a page that has one, to close a spliced answer with. */
export const nextField = (page: Page<string | number>): string => (page.next === undefined ? '' : `,"next":${JSON.stringify(page.next)}`);
