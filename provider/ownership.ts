import type { dynamic } from '@pulumi/pulumi';
import type { Core } from './loadCore.js';

/**
 * Every job and deployment a stack makes is owned `pulumi:<project>/<stack>` on the master (the
 * `Helios-Owner` it sends), and a stack adopts, updates and deletes only what its own name owns:
 *
 *   master's owner            this stack may
 *   pulumi:<this stack>       adopt (a create retried after its answer was lost), update, delete
 *   pulumi:<another stack>    nothing: STACK_OWNED, naming that stack
 *   pulumi (before stacks)    like its own with `helios:adoptLegacy true`, else STACK_OWNED saying so
 *   cli, git:<source>, …      update and delete (the master's own guards apply); never adopt
 *
 * The resource classes set the owner from the running program (`owner` input), so it survives
 * serialization and is stored with the resource's state.
 */
export const LEGACY_OWNER = 'pulumi';

/** Pulumi's project and stack names: letters, digits, `_`, `.`, `-`, up to 100 (as the master accepts). */
const STACK_OWNER = /^pulumi:[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/;

/** The owner of what a program's resources make: `pulumi:<project>/<stack>`. */
export function stackOwner(project: string, stack: string): string {
  return `pulumi:${project}/${stack}`;
}

/** Who is asking: the stack (absent in the state of resources made before stacks owned them). */
export interface Claimant {
  owner?: string;
  /** `helios:adoptLegacy`: resources owned plain `pulumi` count as this stack's. */
  adoptLegacy: boolean;
}

/**
 * `diff`: a state whose owner is not the program's (made before stacks owned their resources, or
 * under another stack's name) changes in place, so that `update` checks the master's owner and stores
 * this stack's (with the provider code `delete` runs later), and a stack that may not is told at `up`.
 */
export function withOwnerChange(result: dynamic.DiffResult, olds: { owner?: unknown }, news: { owner?: unknown }): dynamic.DiffResult {
  if (result.changes !== false || olds.owner === news.owner) return result;
  return { changes: true, replaces: [], deleteBeforeReplace: false };
}

/** `check`: the `owner` input must be a stack owner (the resource classes always set one). */
export function ownerFailure(owner: unknown): dynamic.CheckFailure | null {
  if (typeof owner === 'string' && STACK_OWNER.test(owner)) return null;
  return {
    property: 'owner',
    reason: `owner: must be pulumi:<project>/<stack>, set by helios.Job and helios.Deployment from the running stack; got ${JSON.stringify(owner)}`,
  };
}

/**
 * Whether `claimant` owns `what`, whose owner on the master is `owner`: true for its own, false for
 * an owner outside Pulumi (cli, git), and STACK_OWNED for another stack's or an unclaimed legacy one.
 */
export function ownedByThisStack(core: Core, what: string, owner: string | undefined, claimant: Claimant): boolean {
  if (owner !== undefined && owner === claimant.owner) return true;
  if (owner === LEGACY_OWNER) {
    if (claimant.adoptLegacy) return true;
    throw new core.HeliosError('STACK_OWNED',
      `${what} is owned "pulumi", by a Helios provider from before each stack owned its resources: if this stack made it, `
      + 'run `pulumi config set helios:adoptLegacy true` and retry; if another stack did, drop it from this one with `pulumi state delete`',
      { owner, claimant: claimant.owner ?? null });
  }
  if (owner === undefined || !owner.startsWith('pulumi:')) return false;
  const stack = owner.slice('pulumi:'.length);
  throw new core.HeliosError('STACK_OWNED',
    `${what} belongs to Pulumi stack ${stack}, not to ${claimant.owner ? `this one (${claimant.owner.slice('pulumi:'.length)})` : 'this one'}: `
    + `change or delete it from stack ${stack} (declaring it there again adopts it), or drop it from this one with \`pulumi state delete\``,
    { owner, claimant: claimant.owner ?? null });
}
