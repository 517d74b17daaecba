/**
 * The Helios dashboard: served by the master at /ui/, talking only to its API (the token entered once
 * per tab, or none on a master without tokens) and following its change stream (live.ts).
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Whoami } from '../core/schema/auth.js';
import { api, ApiError, session, whoami } from './api.js';
import { connectLive, live, type LiveState } from './live.js';
import { parseRoute, type Route } from './routes.js';
import { HostsPage } from './pages/Hosts.js';
import { JobsPage } from './pages/Jobs.js';
import { JobPage } from './pages/Job.js';
import { SyncPage } from './pages/Sync.js';
import { DiffPage } from './pages/Diff.js';
import { GroupsPage } from './pages/Groups.js';

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  return route;
}

function LiveIndicator() {
  const [state, setState] = useState<LiveState>(live.state());
  useEffect(() => live.onState(setState), []);
  const text = state === 'live' ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Reconnecting…';
  return <span class={`live ${state}`} role="status" aria-live="polite" data-live={state}>{text}</span>;
}

/** The token form: shown when the master asks for one (401), never stored beyond this tab. */
function Login({ failed, onToken }: { failed: string | null; onToken: (token: string) => void }) {
  const [token, setToken] = useState('');
  return (
    <form class="login" onSubmit={(e) => { e.preventDefault(); onToken(token.trim()); }}>
      <h1>Helios</h1>
      <p>This master needs a token (a line of its <code>--token-file</code>): a <code>read</code> token shows the cluster, a <code>deploy</code> token may also deploy, start, stop and undeploy.</p>
      {failed && <p class="error" role="alert">{failed}</p>}
      <label for="token">Token</label>
      <input id="token" type="password" autocomplete="off" value={token} onInput={(e) => setToken((e.target as HTMLInputElement).value)} required />
      <button type="submit" class="primary">Sign in</button>
      <p class="muted">Kept for this tab only.</p>
    </form>
  );
}

function App() {
  const route = useRoute();
  const [who, setWho] = useState<Whoami | null>(null);
  const [needsToken, setNeedsToken] = useState<string | null | false>(false);
  const [groups, setGroups] = useState(false);

  const signIn = async () => {
    try {
      setWho(await whoami());
      setNeedsToken(false);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
        const hadToken = session.token() !== '';
        session.clear();
        setWho(null);
        setNeedsToken(hadToken ? `That token was refused: ${err.message}` : null);
      } else {
        setNeedsToken(`The master did not answer: ${(err as Error).message}`);
      }
    }
  };
  useEffect(() => { void signIn(); }, []);
  useEffect(() => {
    if (!who) return undefined;
    // Deployment groups appear with the master that has them (GET /deployment-group/ answers).
    api('GET', '/deployment-group/').then(() => setGroups(true), () => setGroups(false));
    return connectLive(() => { session.clear(); setWho(null); setNeedsToken('The master refused the token for the change stream.'); });
  }, [who?.name, who?.role]);

  if (needsToken !== false) return <Login failed={needsToken} onToken={(token) => { session.setToken(token); void signIn(); }} />;
  if (!who) return <p class="muted">Connecting to the master…</p>;
  const current = route.page === 'job' || route.page === 'diff' ? 'jobs' : route.page;
  const link = (page: string, label: string) => <li><a href={`#/${page === 'hosts' ? '' : page}`} aria-current={current === page ? 'page' : undefined}>{label}</a></li>;
  return (
    <>
      <header>
        <span class="brand">Helios</span>
        <nav aria-label="Pages"><ul>{link('hosts', 'Hosts')}{link('jobs', 'Jobs')}{link('sync', 'Sync')}{groups && link('groups', 'Groups')}</ul></nav>
        <div class="who">
          <LiveIndicator />
          <span data-who={who.role}>{who.anonymous ? 'no token (this master has none)' : `${who.name} (${who.role})`}</span>
          {!who.anonymous && <button type="button" onClick={() => { session.clear(); location.reload(); }}>Sign out</button>}
        </div>
      </header>
      <main>
        {route.page === 'hosts' && <HostsPage />}
        {route.page === 'jobs' && <JobsPage />}
        {route.page === 'job' && <JobPage id={route.id} who={who} />}
        {route.page === 'sync' && <SyncPage />}
        {route.page === 'diff' && <DiffPage from={route.from} to={route.to} />}
        {route.page === 'groups' && <GroupsPage />}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
