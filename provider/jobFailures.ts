import type { dynamic } from '@pulumi/pulumi';
import { loadCore } from './loadCore.js';
import { pickJobFields } from './jobFields.js';
import { touchesUnknown, withoutUnknowns } from './unknowns.js';
import { ownerFailure } from './ownership.js';

/**
 * Validates Job inputs with core's `validateJob` (the rules the master and the syncer apply) and
 * reports each failure on its top-level property: `{ property: 'ports', reason: 'ports.http.internalPort: …' }`.
 * Values still unknown at preview are skipped, with every rule that depends on them.
 */
/**
 * Rules that compare two fields (core/model/rules): an error on the key may come only from an unknown
 * value of the fields listed (a health check naming a port of `ports`, a ramdisk clashing with a volume).
 */
const CROSS_FIELD: Record<string, readonly string[]> = {
  healthCheck: ['ports'],
  registration: ['ports'],
  gracePeriod: ['ports'],
  ramdisks: ['volumes'],
};

export async function jobCheckFailures(news: Record<string, unknown>): Promise<dynamic.CheckFailure[]> {
  const core = await loadCore();
  const { known, unknownPaths } = withoutUnknowns(news);
  const spec = pickJobFields(core, known as Record<string, unknown>);
  const failures: dynamic.CheckFailure[] = [];
  for (const field of ['name', 'version']) {
    if (spec[field] === undefined && !unknownPaths.includes(field)) failures.push({ property: field, reason: `${field}: is required` });
  }
  const { errors } = core.validateJob(spec);
  for (const error of errors) {
    const property = error.path.split('.')[0] ?? '';
    if (touchesUnknown(error.path, unknownPaths)) continue;
    if (CROSS_FIELD[property]?.some((field) => unknownPaths.some((u) => u === field || u.startsWith(`${field}.`)))) continue;
    const reason = error.path ? `${error.path}: ${error.message}` : error.message;
    if (!failures.some((f) => f.reason === reason)) failures.push({ property, reason });
  }
  const owner = ownerFailure(news.owner);
  if (owner) failures.push(owner);
  return failures;
}
