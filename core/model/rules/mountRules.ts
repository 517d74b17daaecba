/** Volumes (`"containerPath[:ro|rw]"` → host path, volume name or "") and ramdisks (tmpfs mounts). */
import { posix } from 'node:path';
import type { FieldError } from '../../errors/HeliosError.js';
import { entriesOf, fieldError, isString, joinPath, type JobRule } from './ruleKit.js';

const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** The container path of a volumes key, without its `:ro`/`:rw` suffix; null when the key is malformed. */
export function volumeContainerPath(key: string): string | null {
  const path = key.replace(/:(ro|rw)$/, '');
  return path.includes(':') ? null : path;
}

/** One mount target: absolute, not `/`, compared without trailing slashes. */
function mountTargetProblem(path: string): string | null {
  if (!path.startsWith('/')) return 'must be an absolute path in the container';
  if (posix.normalize(path) === '/') return 'must not be / (the container root)';
  return null;
}

const targetKey = (path: string) => posix.normalize(path).replace(/\/+$/, '');

export const mountRules: JobRule = (spec) => {
  const errors: FieldError[] = [];
  const targets = new Map<string, string>();
  for (const [key, source] of entriesOf(spec.volumes)) {
    const path = joinPath('volumes', key);
    const target = volumeContainerPath(key);
    if (target === null) {
      errors.push(fieldError(path, 'key must be "/container/path", "/container/path:ro" or "/container/path:rw"'));
      continue;
    }
    const problem = mountTargetProblem(target);
    if (problem) errors.push(fieldError(path, `container path ${problem}`));
    if (isString(source) && source !== '' && !(source.startsWith('/') && !source.includes(':')) && !VOLUME_NAME.test(source)) {
      errors.push(fieldError(path, 'must be an absolute host path, a volume name or "" (anonymous volume)'));
    }
    if (problem) continue;
    const other = targets.get(targetKey(target));
    if (other !== undefined) errors.push(fieldError(path, `mounts ${target} a second time (also volumes.${other})`));
    else targets.set(targetKey(target), key);
  }
  for (const [mountPoint] of entriesOf(spec.ramdisks)) {
    const path = joinPath('ramdisks', mountPoint);
    const problem = mountPoint.includes(':') ? 'must be an absolute path in the container, without ":"' : mountTargetProblem(mountPoint);
    if (problem) {
      errors.push(fieldError(path, `mount point ${problem}`));
      continue;
    }
    const volume = targets.get(targetKey(mountPoint));
    if (volume !== undefined) errors.push(fieldError(path, `clashes with volumes.${volume}`));
  }
  return errors;
};
