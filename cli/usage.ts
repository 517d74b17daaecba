import { HeliosError } from '../core/errors/HeliosError.js';
import type { Command, FlagValue } from './command.js';

/** Fails with the command's synopsis unless the positional count is within [min, max]. */
export function expectPositionals(command: Pick<Command, 'name' | 'synopsis'>, positionals: string[], min: number, max = min): void {
  if (positionals.length < min || positionals.length > max) {
    const what = positionals.length < min ? 'missing arguments' : `unexpected argument '${positionals[max]}'`;
    throw new HeliosError('INVALID_ARGUMENT', `${what}: usage: helios ${command.synopsis} (see helios ${command.name} --help)`);
  }
}

export const stringFlag = (value: FlagValue): string | undefined => (typeof value === 'string' ? value : undefined);
export const listFlag = (value: FlagValue): string[] => (Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : []);
export const boolFlag = (value: FlagValue): boolean => value === true;

/** A positive number of seconds from a flag, or the default. */
export function secondsFlag(value: FlagValue, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isFinite(n) || n <= 0) {
    throw new HeliosError('INVALID_ARGUMENT', `--${name} must be a positive number of seconds, got '${String(value)}'`);
  }
  return n;
}

/** A positive whole number from a flag, or undefined when not given. */
export function countFlag(value: FlagValue, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[1-9]\d*$/.test(value)) {
    throw new HeliosError('INVALID_ARGUMENT', `--${name} must be a positive whole number, got '${String(value)}'`);
  }
  return Number(value);
}
