/** Where each host of a running rollout is: all its tasks done, one of them under way, or none started. */
export type HostProgress = 'DONE' | 'IN_PROGRESS' | 'PENDING';

/**
 * Each host a rollout's tasks name, in the order they first appear, with its progress at `taskIndex`
 * (the task being worked on; those before it are done).
 * @example rolloutProgress([{ target: 'a' }, { target: 'b' }], 1) // [['a', 'DONE'], ['b', 'IN_PROGRESS']]
 */
export function rolloutProgress(tasks: ReadonlyArray<{ target: string }>, taskIndex: number): Array<[string, HostProgress]> {
  const progress = new Map<string, HostProgress>();
  tasks.forEach(({ target }, i) => {
    const now: HostProgress = i < taskIndex ? 'DONE' : i === taskIndex ? 'IN_PROGRESS' : 'PENDING';
    const before = progress.get(target);
    // A host with tasks on both sides of taskIndex is under way.
    progress.set(target, before === undefined || before === now ? now : 'IN_PROGRESS');
  });
  return [...progress];
}
