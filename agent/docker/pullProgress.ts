import type { PullProgress } from '../../core/index.js';

/** One line of the engine's pull stream (`POST /images/create`). */
export interface PullEvent {
  status?: string;
  /** The layer's short id (or the tag, on the first line). */
  id?: string;
  progressDetail?: { current?: number; total?: number };
}

/** Statuses of a layer's line; the first line ("Pulling from …") and the last ("Digest: …") are not. */
const LAYER_STATUSES = new Set(['Pulling fs layer', 'Waiting', 'Retrying', 'Already exists', 'Downloading', 'Verifying Checksum',
  'Download complete', 'Extracting', 'Pull complete']);
/** From here on a layer is downloaded: its bytes are all there. */
const DOWNLOADED = new Set(['Already exists', 'Download complete', 'Extracting', 'Pull complete']);

interface Layer { downloaded: boolean; current: number; total: number }

/**
 * Sums the engine's per-layer pull lines into one PullProgress. A layer's size is known once its
 * download starts (the `Downloading` lines), so the total grows while layers wait; a layer already
 * present counts as done with no bytes.
 * @example const progress = createPullProgress(); progress.add(line) && report(progress.snapshot())
 */
export function createPullProgress() {
  const layers = new Map<string, Layer>();
  return {
    /** Takes one line; true when the numbers changed. */
    add(event: PullEvent): boolean {
      const status = event.status?.startsWith('Retrying') ? 'Retrying' : event.status;
      if (!event.id || !status || !LAYER_STATUSES.has(status)) return false;
      const before = JSON.stringify(layers.get(event.id) ?? null);
      const layer = layers.get(event.id) ?? { downloaded: false, current: 0, total: 0 };
      if (status === 'Downloading') {
        layer.current = Math.max(0, Math.floor(event.progressDetail?.current ?? layer.current));
        layer.total = Math.max(layer.current, Math.floor(event.progressDetail?.total ?? layer.total));
      } else if (status === 'Retrying') {
        layer.current = 0;
      }
      if (DOWNLOADED.has(status) && !layer.downloaded) {
        layer.downloaded = true;
        layer.current = layer.total;
      }
      layers.set(event.id, layer);
      return JSON.stringify(layer) !== before;
    },
    /** Null before the first layer line. */
    snapshot(): PullProgress | null {
      if (layers.size === 0) return null;
      let bytesDone = 0;
      let bytesTotal = 0;
      let layersDone = 0;
      for (const layer of layers.values()) {
        bytesDone += layer.current;
        bytesTotal += layer.total;
        if (layer.downloaded) layersDone++;
      }
      return { bytesDone, bytesTotal, layersDone, layersTotal: layers.size };
    },
  };
}
