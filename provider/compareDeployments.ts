import type { dynamic } from '@pulumi/pulumi';
import { containsUnknown } from './unknowns.js';

type Props = Record<string, unknown>;

/**
 * A deployment is the pair (job, host): changing either replaces it; its goal (and the token or
 * timeout the provider uses) changes in place. When the old job publishes static external ports the
 * replacement deletes first: the new task would ask for the same host ports and fail with
 * PORT_CONFLICT ("port is already allocated") while the old one holds them.
 */
export function compareDeployments(olds: Props, news: Props): dynamic.DiffResult {
  const differs = (field: string, fallback?: unknown) =>
    containsUnknown(news[field]) || (olds[field] ?? fallback) !== (news[field] ?? fallback);
  const replaces = ['job', 'host'].filter((field) => differs(field));
  const updates = [differs('goal', 'START') && 'goal', differs('token', '') && 'token', differs('timeoutSeconds', 120) && 'timeoutSeconds']
    .filter((field): field is string => !!field);
  if (replaces.length === 0 && updates.length === 0) return { changes: false };
  const staticPorts = Array.isArray(olds.staticExternalPorts) && olds.staticExternalPorts.length > 0;
  return { changes: true, replaces, deleteBeforeReplace: replaces.length > 0 && staticPorts };
}
