import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ChangeTopic } from '../core/schema/events.js';
import { live } from './live.js';

export interface LiveData<T> {
  data: T | undefined;
  error: Error | undefined;
  reload: () => void;
}

/**
 * `load()` now, again when `deps` change, and again on every live change of `topics`. One load at a
 * time: changes that come during a load cause one more load after it, never a pile of them.
 */
export function useLiveData<T>(load: () => Promise<T>, topics: readonly ChangeTopic[], deps: readonly unknown[]): LiveData<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const running = useRef(false);
  const again = useRef(false);
  const current = useRef(load);
  current.current = load;

  const reload = useCallback(() => {
    if (running.current) { again.current = true; return; }
    running.current = true;
    void (async () => {
      do {
        again.current = false;
        try {
          setData(await current.current());
          setError(undefined);
        } catch (err) {
          setError(err instanceof Error ? err : new Error(String(err)));
        }
      } while (again.current);
      running.current = false;
    })();
  }, []);

  useEffect(() => { setData(undefined); reload(); }, deps);
  useEffect(() => live.onChange(topics, reload), [topics.join(',')]);
  return { data, error, reload };
}
