import type { dynamic } from '@pulumi/pulumi';
import type { JobSpec } from '../core/schema/job.js';
import { loadCore, type Core } from './loadCore.js';
import { jobFieldNames, pickJobFields } from './jobFields.js';
import { containsUnknown } from './unknowns.js';

type Props = Record<string, unknown>;

/**
 * A job is immutable on the master (its id is a hash of its fields): any real change replaces it.
 * "Real" is decided the way the master hashes, with the image normalised on both sides, so
 * `busybox` → `docker.io/library/busybox:latest`, `env: {}` → no env, a port spelling out
 * `protocol: tcp` or a registration key `svc` for `svc/http` changes nothing and the old id and
 * outputs stay.
 *
 * The master refuses a second job with the same name and version, so a change that keeps them
 * replaces delete-before-create (Pulumi then deletes the deployments that depend on it first).
 */
export async function compareJobs(olds: Props, news: Props): Promise<dynamic.DiffResult> {
  const core = await loadCore();
  const fields = jobFieldNames(core);
  const unknown = fields.filter((field) => containsUnknown(news[field]));
  if (unknown.length === 0 && hashWithNormalImage(core, olds) === hashWithNormalImage(core, news)) {
    return { changes: false };
  }
  const changed = fields.filter((field) => unknown.includes(field) || !sameField(core, field, olds[field], news[field]));
  const sameNameVersion = !unknown.includes('name') && !unknown.includes('version')
    && olds.name === news.name && olds.version === news.version;
  return { changes: true, replaces: changed.length > 0 ? changed : ['image'], deleteBeforeReplace: sameNameVersion };
}

function hashWithNormalImage(core: Core, props: Props): string {
  const spec = pickJobFields(core, props);
  if (typeof spec.image === 'string') spec.image = normalImage(core, spec.image);
  return hashAsMaster(core, spec, String(spec.name ?? ''), String(spec.version ?? ''));
}

/** Compares one field the way the master's hash sees it (empty = absent, Helios' defaults filled in). */
function sameField(core: Core, field: string, before: unknown, after: unknown): boolean {
  if (field === 'name' || field === 'version') return before === after;
  if (field === 'image') {
    return typeof before === 'string' && typeof after === 'string'
      ? normalImage(core, before) === normalImage(core, after) : before === after;
  }
  const probe = (value: unknown) => hashAsMaster(core, { image: '-', [field]: value }, '-', '-');
  return probe(before) === probe(after);
}

/**
 * The job hash of a spec with the defaults the master fills in (core's `hashedFields`: port protocol,
 * registration protocol, dates in UTC), so spellings the master treats alike compare equal. Inputs
 * reach diff only after check, so every spec here hashes; a failure is an error, never "changed".
 */
function hashAsMaster(core: Core, spec: Props, name: string, version: string): string {
  return core.jobHash(core.hashedFields(spec as unknown as JobSpec, name, version));
}

/** The normalised image, or the reference as written when it does not parse (check reports that). */
function normalImage(core: Core, image: string): string {
  try {
    return core.normalizeImage(image);
  } catch {
    return image;
  }
}
