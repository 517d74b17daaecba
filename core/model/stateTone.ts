/** How a state reads at a glance: good (green), bad (red), neutral (plain), or on its way (yellow). */
export type StateTone = 'good' | 'bad' | 'neutral' | 'warn';

const TONES: Readonly<Record<string, StateTone>> = {
  RUNNING: 'good', UP: 'good', OK: 'good', DONE: 'good', ACTIVE: 'good',
  FAILED: 'bad', EXITED: 'bad', DOWN: 'bad', ERROR: 'bad',
  STOPPED: 'neutral', '-': 'neutral', IDLE: 'neutral', PENDING: 'neutral',
};

/**
 * The tone of a task's, host's, source's, group's or rollout's state, one rule for the CLI's colours
 * and the dashboard's: RUNNING green, FAILED/EXITED red, anything in between yellow.
 */
export const stateTone = (state: string): StateTone => TONES[state] ?? 'warn';
