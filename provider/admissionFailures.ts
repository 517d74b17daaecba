import type { dynamic } from '@pulumi/pulumi';
import type { Whoami } from '../core/schema/auth.js';
import { loadCore } from './loadCore.js';
import { pickJobFields } from './jobFields.js';
import { touchesUnknown, withoutUnknowns } from './unknowns.js';

/**
 * The master's admission of privileged job fields, checked at `check` time so that `pulumi preview`
 * shows the refusal on its property instead of `up` failing at create. The master's answer to
 * `GET /whoami` (the token's role and the policy it is held to) is core's `privilegedFields` input;
 * an admin token (policy null) may use anything. A master that cannot be asked is left to `create`,
 * which the master refuses the same way.
 */
export async function admissionFailures(news: Record<string, unknown>, whoami: () => Promise<Whoami>): Promise<dynamic.CheckFailure[]> {
  const core = await loadCore();
  const { known, unknownPaths } = withoutUnknowns(news);
  let me: Whoami;
  try {
    me = await whoami();
  } catch {
    return [];
  }
  if (me.admission === null) return [];
  const who = me.anonymous ? 'requests without a token' : `token "${me.name}" (role ${me.role})`;
  return core.privilegedFields(pickJobFields(core, known as Record<string, unknown>), me.admission)
    .filter((e) => !touchesUnknown(e.path, unknownPaths))
    .map((e) => ({
      property: e.path.split('.')[0],
      reason: `${e.path}: ${e.message}; the master refuses it for ${who}: give the stack an admin token (helios:token), or have the master allow it`,
    }));
}
