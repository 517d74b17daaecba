/** Sizes on the command line and in messages (helios-master and helios-syncer): `262144`, `256KiB`, `64MiB`, `1GiB` (binary units; K, M, G too). */
const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kib: 1024, m: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gib: 1024 ** 3 };

/** @example parseBytes('256KiB', '--max-job-bytes') // → 262144 */
export function parseBytes(text: string, flag: string): number {
  const m = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new Error(`${flag} ${JSON.stringify(text)}: give a size in bytes, e.g. 262144, 256KiB or 64MiB`);
  return Number(m[1]) * unit;
}

/** @example formatBytes(262144) // → '256 KiB'; formatBytes(1000) // → '1000 B' */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} B`;
}
