/**
 * Calls that wait for a writable to drain, with one 'drain' listener however many wait (a listener
 * per held write would pile up on a busy stream).
 * @example
 *   const whenDrained = drainQueue(res);
 *   if (!res.write(text)) whenDrained(release); else release();
 */
export function drainQueue(target: { once(event: 'drain', listener: () => void): unknown }): (fn: () => void) => void {
  const waiting: Array<() => void> = [];
  return (fn) => {
    waiting.push(fn);
    if (waiting.length === 1) target.once('drain', () => { for (const f of waiting.splice(0)) f(); });
  };
}
