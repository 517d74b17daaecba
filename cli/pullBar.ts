import type { PullProgress } from '../core/schema/status.js';

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** Bytes as the docker CLI shows them (decimal units): `48.2MB`, `512B`. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value}B` : `${value.toFixed(1)}${UNITS[unit]}`;
}

/**
 * A pull's progress as a bar: `[#########-----------] 21.0MB/48.2MB, 1/2 layers`. The total counts the
 * layers whose size is known so far, so the bar may step back once a waiting layer starts.
 * @example pullBar({ bytesDone: 5e6, bytesTotal: 1e7, layersDone: 0, layersTotal: 1 }, 10) // → '[#####-----] 5.0MB/10.0MB, 0/1 layers'
 */
export function pullBar(p: PullProgress, width = 20): string {
  const fraction = p.bytesTotal > 0 ? Math.min(1, p.bytesDone / p.bytesTotal) : 0;
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${formatBytes(p.bytesDone)}/${formatBytes(p.bytesTotal)}, ${p.layersDone}/${p.layersTotal} layers`;
}
