import test from 'ava';
import type { DockerEvent, ObservedContainer } from '../docker/dockerAdapter.js';
import { createContainerView } from './containerView.js';

const event = (action: string, containerId: string, jobId = 'j:1:x'): DockerEvent => ({ action, containerId, jobId, name: `n-${containerId}`, time: 100 });
const box = (id: string, running = true, jobId = 'j:1:x'): ObservedContainer => ({ id, name: `n-${id}`, jobId, running, created: 50 });
const ids = (view: ReturnType<typeof createContainerView>) => view.containers().map((c) => `${c.id}:${c.running ? 'up' : 'down'}`).sort();

test('stale until a listing, then kept current by events', (t) => {
  const view = createContainerView();
  t.false(view.current);
  view.beginListing();
  t.false(view.current, 'not while the listing is under way');
  view.replace([box('a')]);
  t.true(view.current);
  view.apply(event('create', 'b'));
  t.deepEqual(ids(view), ['a:up', 'b:down']);
  view.apply(event('start', 'b'));
  view.apply(event('die', 'a'));
  t.deepEqual(ids(view), ['a:down', 'b:up']);
  view.apply(event('destroy', 'a'));
  view.apply(event('kill', 'b'));
  t.deepEqual(ids(view), ['b:up'], 'a kill alone does not say the container stopped');
  t.deepEqual(view.containers().find((c) => c.id === 'b'), { id: 'b', name: 'n-b', jobId: 'j:1:x', running: true, created: 100 });
});

test('events that arrive during a listing are replayed over its result', (t) => {
  const view = createContainerView();
  view.beginListing();
  view.apply(event('destroy', 'old'));
  view.apply(event('create', 'new'));
  view.replace([box('old'), box('kept', false)]);
  t.deepEqual(ids(view), ['kept:down', 'new:down']);
});

test('a broken event stream or a failed listing leaves the view stale until the next listing', (t) => {
  const view = createContainerView();
  view.beginListing();
  view.replace([]);
  view.invalidate();
  t.false(view.current);
  view.beginListing();
  view.abortListing();
  t.false(view.current);
  view.beginListing();
  view.invalidate();
  view.replace([]);
  t.false(view.current, 'a stream that broke during the listing may have lost events the listing did not see');
});

test('events without a job label add nothing', (t) => {
  const view = createContainerView();
  view.beginListing();
  view.replace([]);
  view.apply({ ...event('create', 'x'), jobId: undefined });
  view.apply({ ...event('start', 'y'), jobId: undefined });
  t.deepEqual(view.containers(), []);
});
