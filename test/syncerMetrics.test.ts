/**
 * The syncer's `--metrics`: GET /metrics scraped for real from a syncer of a repository served over
 * smart HTTP (`git http-backend`) to a real master, and from one whose git server is not there.
 */
import test from 'ava';
import { gitops, jobFile } from './gitopsHelpers.js';
import { sample, scrape } from './harness/prometheus.js';
import { parseOptions } from '../syncer/options.js';

test('GET /metrics: passes by outcome, applied commits and actions, git requests timed, the last success', async (t) => {
  const g = await gitops(t);
  const syncer = await g.startSyncer(['--metrics', '127.0.0.1:0']);
  t.regex(syncer.metricsUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
  // The passes at start (of the first commit) are the baseline.
  const atStart = (await scrape(syncer.metricsUrl!)).text;
  t.is(sample(atStart, 'helios_syncer_applied_commits_total'), 1);
  const since = (text: string, series: string) => (sample(text, series) ?? 0) - (sample(atStart, series) ?? 0);
  const before = Date.now() / 1000;
  await g.commit({ 'jobs/web.yaml': jobFile('web', { hosts: ['h1'] }) });
  t.is((await syncer.reactor.next()).result.state, 'APPLIED');
  t.is((await syncer.reactor.next()).result.state, 'APPLIED', 'the same commit again');
  await g.commit({ 'jobs/bad.yaml': 'name: bad\nversion: "1"\n' });
  t.is((await syncer.reactor.next()).result.state, 'REFUSED');

  const { status, type, text } = await scrape(syncer.metricsUrl!);
  t.is(status, 200);
  t.regex(type ?? '', /^text\/plain; version=0\.0\.4/);
  t.is(since(text, 'helios_syncer_passes_total{outcome="APPLIED"}'), 2);
  t.is(since(text, 'helios_syncer_passes_total{outcome="REFUSED"}'), 1);
  t.is(since(text, 'helios_syncer_applied_commits_total'), 1, 'a pass of a commit already applied is none');
  t.is(since(text, 'helios_syncer_applied_actions_total{action="create"}'), 1);
  t.is(since(text, 'helios_syncer_applied_actions_total{action="deploy"}'), 1);
  t.is(since(text, 'helios_syncer_pass_seconds_count'), 3);
  t.is(since(text, 'helios_syncer_git_request_seconds_count{request="ls-refs",result="ok"}'), 3);
  t.is(since(text, 'helios_syncer_git_request_seconds_count{request="fetch",result="ok"}'), 2, 'one per new commit');
  const last = sample(text, 'helios_syncer_last_success_timestamp_seconds')!;
  t.true(last >= before && last <= Date.now() / 1000, String(last));
  t.regex(text, /^helios_syncer_process_cpu_seconds_total /m);
});

test('GET /metrics: a failed pass counted by its code and its git request as failed; --metrics is refused with --once', async (t) => {
  const g = await gitops(t);
  const syncer = await g.startSyncer(['--metrics', '127.0.0.1:0', '--repo', 'http://127.0.0.1:1/nothing.git', '--git-retries', '0']);
  const { text } = await scrape(syncer.metricsUrl!);
  const failed = sample(text, 'helios_syncer_passes_total{outcome="FAILED"}')!;
  t.true(failed >= 1);
  t.is(sample(text, 'helios_syncer_errors_total{code="GIT_SOURCE_ERROR"}'), failed);
  t.is(sample(text, 'helios_syncer_git_request_seconds_count{request="ls-refs",result="failed"}'), failed);
  t.is(sample(text, 'helios_syncer_last_success_timestamp_seconds'), 0, 'never');
  t.throws(() => parseOptions(['--master', g.master.url, '--repo', g.url, '--once', '--metrics', '9101']), { message: /drop --watch, --webhook and --metrics/ });
  t.throws(() => parseOptions(['--master', g.master.url, '--repo', g.url, '--metrics', 'x']), { message: /^--metrics: expected PORT or HOST:PORT/ });
});
