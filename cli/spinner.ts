/**
 * zx's spinner over a wait the user sees, on a terminal only (a pipe or a log file would get ten
 * frames a second); zx is loaded then, not before.
 * @example await withSpinner('starting dockerd', () => startDockerd({ log }))
 */
export async function withSpinner<T>(title: string, work: () => Promise<T>): Promise<T> {
  if (!process.stderr.isTTY) return work();
  const { spinner } = await import('zx');
  return spinner(title, work);
}
