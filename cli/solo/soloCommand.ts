/**
 * How the user started solo, for the commands its hints name: `npm start` (npm sets
 * npm_lifecycle_event for the script it runs) or `helios solo`.
 * @example soloCommand('--cleanup') // 'npm start -- --cleanup' under npm start, else 'helios solo --cleanup'
 */
export function soloCommand(flags = '', env: NodeJS.ProcessEnv = process.env): string {
  const npm = env.npm_lifecycle_event === 'start';
  if (!flags) return npm ? 'npm start' : 'helios solo';
  return npm ? `npm start -- ${flags}` : `helios solo ${flags}`;
}
