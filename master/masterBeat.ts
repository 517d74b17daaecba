import type { Store } from './store/store.js';

/** How often a master records itself in the store (GET /masters). */
export const MASTER_BEAT_MS = 2_000;
/** A master not seen for this long is not listed: it missed a few beats (stopped, killed, cut off). */
export const MASTER_ALIVE_MS = 10_000;

/**
 * Records this master in the store now and every MASTER_BEAT_MS (failures are logged and the next
 * beat tries again); `stop` ends it and takes this master off the list at once (a master stopped
 * gracefully is not alive; `helios-master migrate` refuses a database a live master serves).
 * @example const beat = await startMasterBeat(store, 'm1', 'http://10.0.0.1:5801', log); … await beat.stop();
 */
export async function startMasterBeat(store: Store, name: string, url: string, log: { warn(o: object, msg: string): void }) {
  let last: Promise<void> = Promise.resolve();
  const beat = () => (last = store.masters.beat(name, url, Date.now()).catch((err: unknown) => log.warn({ err }, 'cannot record this master in the store')));
  await beat();
  const timer = setInterval(() => { void beat(); }, MASTER_BEAT_MS);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await last;
      await store.masters.leave(name).catch((err: unknown) => log.warn({ err }, 'cannot take this master off the store\'s list'));
    },
  };
}
