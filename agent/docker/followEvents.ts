import type { DockerAdapter, DockerEvent, EventSubscription } from './dockerAdapter.js';

/**
 * Keeps a subscription to Docker's event stream open: when it ends or cannot be opened, tries again
 * after `retryMs`. `onConnected` fires on every (re)connection: events may have been missed, so the
 * caller reconciles.
 */
export function followEvents(docker: DockerAdapter, o: {
  retryMs: number;
  onEvent(e: DockerEvent): void;
  onConnected(): void;
  onError(err: unknown): void;
}) {
  let stopped = false;
  let subscription: EventSubscription | null = null;
  let timer: NodeJS.Timeout | undefined;

  const retry = () => {
    if (!stopped) timer = setTimeout(connect, o.retryMs);
  };

  async function connect(): Promise<void> {
    if (stopped) return;
    try {
      subscription = await docker.events(o.onEvent, (err) => {
        subscription = null;
        if (err) o.onError(err);
        retry();
      });
      if (stopped) subscription.close();
      else o.onConnected();
    } catch (err) {
      o.onError(err);
      retry();
    }
  }

  void connect();
  return {
    stop(): void {
      stopped = true;
      clearTimeout(timer);
      subscription?.close();
    },
  };
}
