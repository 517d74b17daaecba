import type { dynamic } from '@pulumi/pulumi';
import type { HashedJob, PortMapping } from '../core/schema/job.js';
import { loadCore, type Core } from './loadCore.js';
import { jobFieldNames, pickJobFields } from './jobFields.js';
import { containsUnknown } from './unknowns.js';

type Props = Record<string, unknown>;

/**
 * A job is immutable on the master (its id is a hash of its fields): any real change replaces it.
 * "Real" is decided the way the master hashes, with the image normalised on both sides, so
 * `busybox` → `docker.io/library/busybox:latest`, `env: {}` → no env, or a port spelling out
 * `protocol: tcp` changes nothing and the old id and outputs stay.
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
  return core.jobHash(withPortProtocols(spec) as HashedJob);
}

/** Compares one field the way the hash sees it (empty = absent, protocol defaults to tcp). */
function sameField(core: Core, field: string, before: unknown, after: unknown): boolean {
  if (field === 'name' || field === 'version') return before === after;
  if (field === 'image') {
    return typeof before === 'string' && typeof after === 'string'
      ? normalImage(core, before) === normalImage(core, after) : before === after;
  }
  const probe = (value: unknown) => core.jobHash(withPortProtocols({ name: '-', version: '-', image: '-', [field]: value }) as HashedJob);
  return probe(before) === probe(after);
}

/** The normalised image, or the reference as written when it does not parse (check reports that). */
function normalImage(core: Core, image: string): string {
  try {
    return core.normalizeImage(image);
  } catch {
    return image;
  }
}

/** Helios hashes every port with its protocol, `tcp` when not given (as core's buildJob does). */
function withPortProtocols(spec: Props): Props {
  const ports = spec.ports as Record<string, PortMapping> | undefined;
  if (!ports || typeof ports !== 'object') return spec;
  const filled = Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, { ...port, protocol: port.protocol ?? 'tcp' }]));
  return { ...spec, ports: filled };
}
