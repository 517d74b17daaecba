import { DEPLOYMENT_GROUP_NAME, jobFileValidation, parseHostSelector, validateJob, type FileError, type JobSpec, type SyncGroup } from '../../core/index.js';
import { rolloutOptionsErrors } from '../../core/model/rolloutOptions.js';
import { didYouMean } from '../../core/model/didYouMean.js';
import { MAX_DEPLOY_HOSTS, forbiddenKeyPath, jobBytes } from '../../core/model/limits.js';
import { defaultManifestLimits, type ManifestLimits } from './limits.js';
import { parseSource, type ParsedSource } from './parseSource.js';

/** One job file, read and checked: what the syncer sends to the master for it. */
export interface ParsedJob {
  file: string;
  spec: JobSpec;
  hosts: string[];
  goal: 'START' | 'STOP';
  /** `deploy.group` (instead of hosts): the deployment group the job is rolled out to. */
  group?: SyncGroup;
  /** Line of each top-level key, so the master can point its own errors at a line. */
  lines: Record<string, number>;
}

export type JobFileResult = { ok: true; job: ParsedJob } | { ok: false; errors: FileError[] };

/**
 * Reads one GitOps job file (format: ARCHITECTURE.md "Repo format"): the job fields, `name` and
 * `version` (no `id`), an optional `deploy: { hosts, goal }` or `deploy: { group, selector, rollout }`, and an optional `$schema` (an editor's
 * pointer to the JSON Schema). Every error carries the file and the line of the offending key (for a
 * nested field, the nested key's line). An unknown field is an error with the known one it most
 * likely meant (`comand: unknown field; did you mean command?`): a typo must not deploy the job
 * without it.
 * @example
 *   parseJobFile('jobs/web.yaml', 'name: web\nversion: "1"\nimage: busybox:latest\n')
 *   // → { ok: true, job: { spec: { name: 'web', version: '1', image: 'busybox:latest' }, hosts: [], goal: 'START', … } }
 */
export function parseJobFile(file: string, text: string, limits: Pick<ManifestLimits, 'maxFileBytes' | 'maxJobBytes'> = defaultManifestLimits): JobFileResult {
  const parsed = parseSource(file, text, limits.maxFileBytes);
  if (!parsed.ok) return parsed;
  const { value, lineOf } = parsed.source;
  if (value === null || value === undefined) return fail(file, 1, 'the file is empty: expected one job (name, version, image, …)');
  if (typeof value !== 'object' || Array.isArray(value)) {
    return fail(file, lineOf([]) ?? 1, 'expected one job as a mapping (name, version, image, …)');
  }
  // The master refuses a whole request holding one of these keys: refused here, it is this file's error only.
  const forbidden = forbiddenKeyPath(value);
  if (forbidden) return fail(file, lineOf(forbidden) ?? 1, `${forbidden.join('.')}: ${forbidden.at(-1)} is not allowed as a key (it could change how objects behave)`);
  const errors = checkJobFile(value as Record<string, unknown>, parsed.source).map((e) => ({ file, ...e }));
  if (errors.length > 0) return { ok: false, errors };

  const { deploy, $schema: _schema, ...spec } = value as Record<string, unknown> & { deploy?: DeployBlockValue };
  const oversize = oversized(spec, limits.maxJobBytes);
  if (oversize) return fail(file, lineOf([oversize.field]) ?? 1, oversize.message);
  const lines: Record<string, number> = {};
  for (const key of Object.keys(value)) lines[key] = lineOf([key]) ?? 1;
  return {
    ok: true,
    job: {
      file,
      spec: spec as JobSpec,
      hosts: [...new Set(deploy?.hosts ?? [])],
      goal: deploy?.goal ?? 'START',
      ...(deploy?.group === undefined ? {} : { group: groupOf(deploy) }),
      lines,
    },
  };
}

interface DeployBlockValue {
  hosts?: string[];
  goal?: 'START' | 'STOP';
  group?: string;
  selector?: string[];
  rollout?: Record<string, unknown>;
}

/** The checked `deploy.group` block as the master takes it: selectors parsed, options as given. */
function groupOf(deploy: DeployBlockValue): SyncGroup {
  return {
    name: deploy.group!,
    ...(deploy.selector === undefined ? {} : { hostSelectors: deploy.selector.map((text) => parseHostSelector(text)) }),
    ...(deploy.rollout === undefined ? {} : { rolloutOptions: deploy.rollout }),
  };
}

/**
 * The job rules of core (`validateJob` as job files are validated: unknown fields refused, an `expires`
 * in the past allowed, since the master treats that job as absent) plus the `deploy` block, each error
 * once, in line order.
 */
function checkJobFile(value: Record<string, unknown>, source: ParsedSource): { line?: number; message: string }[] {
  const errors: { line?: number; message: string }[] = [];
  const add = (segments: string[], message: string) => {
    const path = segments.join('.');
    errors.push({ line: source.lineOf(segments), message: path ? `${path}: ${message}` : message });
  };
  if ('id' in value) add(['id'], 'not allowed in a job file: give name and version (the hash is computed)');
  const { deploy, $schema, ...spec } = value;
  if ($schema !== undefined && typeof $schema !== 'string') add(['$schema'], 'must be the JSON Schema\'s path or URL (a string)');
  for (const e of validateJob(spec, jobFileValidation).errors) {
    const segments = e.path ? e.path.split('.') : [];
    add(segments, explain(e.message, valueAt(spec, segments)));
  }
  for (const e of deployErrors(deploy)) add(e.path, e.message);
  return errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

const deployKeys = ['hosts', 'goal', 'group', 'selector', 'rollout'];
const rolloutKeys = ['timeout', 'parallelism', 'migrate', 'overlap', 'token', 'ignoreFailures', 'minHealthySeconds', 'autoRevert'];
const booleanRolloutKeys = new Set(['migrate', 'overlap', 'ignoreFailures', 'autoRevert']);

/**
 * `deploy: { hosts: [names], goal: START|STOP }` or `deploy: { group: NAME, selector: [role=web],
 * rollout: { parallelism: 2, … } }`; absent means no hosts.
 */
function deployErrors(deploy: unknown): { path: string[]; message: string }[] {
  if (deploy === undefined || deploy === null) return [];
  if (typeof deploy !== 'object' || Array.isArray(deploy)) return [{ path: ['deploy'], message: 'must be a mapping with hosts and goal, or group' }];
  const errors: { path: string[]; message: string }[] = [];
  const { hosts, goal, group, selector, rollout, ...rest } = deploy as Record<string, unknown>;
  if (hosts !== undefined && !Array.isArray(hosts)) errors.push({ path: ['deploy', 'hosts'], message: 'must be a list of host names' });
  if (Array.isArray(hosts) && hosts.length > MAX_DEPLOY_HOSTS) {
    errors.push({ path: ['deploy', 'hosts'], message: `${hosts.length} hosts, over the limit of ${MAX_DEPLOY_HOSTS} for one job file` });
  } else if (Array.isArray(hosts)) {
    hosts.forEach((host, i) => {
      if (typeof host !== 'string' || host === '') errors.push({ path: ['deploy', 'hosts', String(i)], message: 'must be a host name' });
    });
  }
  if (goal !== undefined && goal !== 'START' && goal !== 'STOP') errors.push({ path: ['deploy', 'goal'], message: 'must be START or STOP' });
  errors.push(...groupErrors({ hosts, goal, group, selector, rollout }));
  for (const key of Object.keys(rest)) {
    const suggestion = didYouMean(key, deployKeys);
    errors.push({ path: ['deploy', key], message: `unknown field${suggestion ? `; did you mean ${suggestion}?` : ' (deploy takes hosts and goal, or group, selector and rollout)'}` });
  }
  return errors;
}

/** A group instead of hosts: its name, its selectors (to declare it) and the rolling update's options. */
function groupErrors(block: Record<string, unknown>): { path: string[]; message: string }[] {
  const { hosts, goal, group, selector, rollout } = block;
  const errors: { path: string[]; message: string }[] = [];
  if (group === undefined) {
    for (const [key, value] of Object.entries({ selector, rollout })) {
      if (value !== undefined) errors.push({ path: ['deploy', key], message: 'needs deploy.group (the deployment group it is for)' });
    }
    return errors;
  }
  if (typeof group !== 'string' || !new RegExp(DEPLOYMENT_GROUP_NAME).test(group)) {
    errors.push({ path: ['deploy', 'group'], message: 'must be a deployment group name: letters, digits, ".", "_" and "-" (at most 128), starting with a letter or digit' });
  }
  if (hosts !== undefined) errors.push({ path: ['deploy', 'hosts'], message: 'give hosts or group, not both: the group\'s hosts are those its selectors match' });
  if (goal !== undefined) errors.push({ path: ['deploy', 'goal'], message: 'a group runs its job (START): stop it with helios stop-deployment-group, or remove the file' });
  if (selector !== undefined) {
    if (!Array.isArray(selector) || selector.length === 0) errors.push({ path: ['deploy', 'selector'], message: 'must be a list of host selectors, e.g. [role=web]' });
    else {
      selector.forEach((text, i) => {
        try {
          if (typeof text !== 'string') throw new Error('must be a host selector such as role=web');
          parseHostSelector(text);
        } catch (err) {
          errors.push({ path: ['deploy', 'selector', String(i)], message: (err as Error).message });
        }
      });
    }
  }
  if (rollout !== undefined) errors.push(...rolloutErrors(rollout));
  return errors;
}

/** `deploy.rollout`: the rolloutOptions fields, typed and in range. */
function rolloutErrors(rollout: unknown): { path: string[]; message: string }[] {
  if (typeof rollout !== 'object' || rollout === null || Array.isArray(rollout)) {
    return [{ path: ['deploy', 'rollout'], message: `must be a mapping of rollout options (${rolloutKeys.join(', ')})` }];
  }
  const errors: { path: string[]; message: string }[] = [];
  for (const [key, value] of Object.entries(rollout)) {
    const path = ['deploy', 'rollout', key];
    if (!rolloutKeys.includes(key)) {
      const suggestion = didYouMean(key, rolloutKeys);
      errors.push({ path, message: `unknown field${suggestion ? `; did you mean ${suggestion}?` : ` (rollout takes ${rolloutKeys.join(', ')})`}` });
    } else if (booleanRolloutKeys.has(key) ? typeof value !== 'boolean' : key === 'token' ? typeof value !== 'string' : !Number.isInteger(value)) {
      errors.push({ path, message: booleanRolloutKeys.has(key) ? 'must be true or false' : key === 'token' ? 'must be a string' : 'must be an integer' });
    }
  }
  if (errors.length > 0) return errors;
  return rolloutOptionsErrors('deploy.rollout', rollout as Record<string, unknown>)
    .map((e) => ({ path: e.path.split('.'), message: e.message }));
}

/** A spec over the job cap (`--max-job-bytes`, the master's default), named by its largest field. */
function oversized(spec: Record<string, unknown>, maxJobBytes: number): { field: string; message: string } | undefined {
  const bytes = jobBytes(spec);
  if (bytes <= maxJobBytes) return undefined;
  const [field, fieldBytes] = Object.keys(spec).map((key) => [key, jobBytes(spec[key])] as const).sort((a, b) => b[1] - a[1])[0];
  return { field, message: `the job is ${bytes} bytes as JSON, over the ${maxJobBytes}-byte limit for a job (--max-job-bytes); ${field} is ${fieldBytes} of them` };
}

function valueAt(root: unknown, segments: string[]): unknown {
  let node = root;
  for (const segment of segments) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/** A YAML number where a string belongs (`version: 1`) is the usual cause of "must be a string". */
function explain(message: string, value: unknown): string {
  if (message.startsWith('is required')) return 'is required';
  if (message === 'must be a string' && (typeof value === 'number' || typeof value === 'boolean')) {
    return `must be a string, got ${JSON.stringify(value)} (quote it: "${String(value)}")`;
  }
  if (message === 'must be an integer' && typeof value === 'string') return `must be an integer, got the string ${JSON.stringify(value)}`;
  return message;
}

function fail(file: string, line: number, message: string): JobFileResult {
  return { ok: false, errors: [{ file, line, message }] };
}
