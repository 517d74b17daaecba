/**
 * The page's one connection to GET /events (core/schema/events.ts): every change is handed to the
 * pages that show its topics, which re-read what they show. fetch rather than EventSource, to send the
 * token in a header; it reconnects by itself (1 s, then up to 10 s apart) and says so meanwhile.
 * A (re)connection's hello counts as a change of everything: something may have passed while away.
 */
import type { ChangeEvent, ChangeTopic } from '../core/schema/events.js';
import { serverSentEvents } from '../core/client/serverSentEvents.js';
import { authHeaders } from './api.js';

export type LiveState = 'connecting' | 'live' | 'reconnecting';
type Listener = (topics: ReadonlySet<ChangeTopic> | 'all') => void;

const listeners = new Set<Listener>();
const stateListeners = new Set<(state: LiveState) => void>();
let state: LiveState = 'connecting';

const setState = (next: LiveState) => {
  state = next;
  for (const listener of stateListeners) listener(next);
};
const tell = (topics: ReadonlySet<ChangeTopic> | 'all') => { for (const listener of [...listeners]) listener(topics); };

export const live = {
  state: () => state,
  onState(listener: (state: LiveState) => void): () => void {
    stateListeners.add(listener);
    return () => { stateListeners.delete(listener); };
  },
  /** Calls `listener` for each change naming one of `topics` (or `other`, or a reconnection). */
  onChange(topics: readonly ChangeTopic[], listener: () => void): () => void {
    const wanted = new Set<ChangeTopic>([...topics, 'other']);
    const filtered: Listener = (changed) => { if (changed === 'all' || [...changed].some((t) => wanted.has(t))) listener(); };
    listeners.add(filtered);
    return () => { listeners.delete(filtered); };
  },
};

/** Opens the stream, and again whenever it ends; `unauthorized` when the master refuses the token. */
export function connectLive(unauthorized: () => void): () => void {
  let stopped = false;
  let controller: AbortController | undefined;
  let failures = 0;
  const run = async () => {
    while (!stopped) {
      controller = new AbortController();
      try {
        const response = await fetch('/events', { headers: { ...authHeaders(), accept: 'text/event-stream' }, signal: controller.signal });
        if (response.status === 401 || response.status === 403) { stopped = true; unauthorized(); return; }
        if (!response.ok || !response.body) throw new Error(`GET /events: ${response.status}`);
        const parse = serverSentEvents((event) => {
          if (event.event === 'hello') { failures = 0; setState('live'); tell('all'); }
          if (event.event === 'change') tell(new Set((JSON.parse(event.data) as ChangeEvent).topics));
        });
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parse(value);
        }
      } catch {
        // the stream broke or never opened: reconnect below
      }
      if (stopped) return;
      setState('reconnecting');
      failures++;
      await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 1_000 * failures)));
    }
  };
  void run();
  return () => { stopped = true; controller?.abort(); };
}
