import type { IncomingHttpHeaders } from 'node:http';
import { single, type WebhookProvider } from './webhookAuth.js';

/** What a verified delivery asks for: a pass, or none, with the status and reason answered to the sender. */
export type WebhookDecision = { pass: true } | { pass: false; status: 200 | 202 | 400; reason: string };

/**
 * Only a push to the followed branch syncs (GitHub `X-GitHub-Event: push`, GitLab `Push Hook`, each
 * with `ref: refs/heads/<branch>`); GitHub's `ping` is answered; every other event and branch is
 * acknowledged with its reason and starts nothing, as Flux's Receiver filters `events: ["push"]`.
 */
export function decide(provider: WebhookProvider, headers: IncomingHttpHeaders, body: Buffer, branch: string): WebhookDecision {
  const event = single(provider === 'github' ? headers['x-github-event'] : headers['x-gitlab-event']) ?? '';
  if (provider === 'github' && event === 'ping') return { pass: false, status: 200, reason: 'ping: the webhook is set up' };
  if (event !== (provider === 'github' ? 'push' : 'Push Hook')) {
    return { pass: false, status: 202, reason: `event ${JSON.stringify(event)} does not start a sync (only pushes to ${branch} do)` };
  }
  let ref: unknown;
  try {
    ref = (JSON.parse(body.toString('utf8')) as { ref?: unknown } | null)?.ref;
  } catch {
    return { pass: false, status: 400, reason: 'the push event body is not JSON' };
  }
  const followed = `refs/heads/${branch}`;
  if (ref !== followed) return { pass: false, status: 202, reason: `push to ${typeof ref === 'string' ? ref : 'no ref'}, not ${followed}` };
  return { pass: true };
}

/** The ids the sender gave this delivery (GitHub's, GitLab's); a redelivery or replay repeats them. */
export function deliveryIds(provider: WebhookProvider, headers: IncomingHttpHeaders): string[] {
  const names = provider === 'github' ? ['x-github-delivery'] : ['x-gitlab-event-uuid', 'idempotency-key'];
  return names.flatMap((name) => {
    const value = single(headers[name]);
    return value ? [`${name}:${value.slice(0, 200)}`] : [];
  });
}
