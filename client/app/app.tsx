/**
 * The application: who you are (session cookie), then the page for the URL — sign-in and
 * sign-up, a share link, an invitation, or the workbench with the configuration in the URL open.
 */
import { createMemo, createSignal, Match, onCleanup, onMount, Switch, type JSX } from 'solid-js';
import { createApi, type User } from './api.ts';
import { AccountPage, AccountSettingsPage } from './account-page.tsx';
import { OrgPage } from '../orgs/org-page.tsx';
import { parseRoute, type Route } from './routes.ts';
import { CONFIG_INVITATION, InvitationPage, ORG_INVITATION } from './invitation-page.tsx';
import { ShareGate } from './share-gate.tsx';
import { Workbench } from './workbench.tsx';
import { clearLocalCopies } from '../session/local-copy.ts';
import { safeNext } from '../../shared/safe-next.ts';

type Auth = { state: 'loading' } | { state: 'ready'; user: User | null } | { state: 'failed'; message: string };


export function App(): JSX.Element {
  const api = createApi();
  const [location_, setLocation] = createSignal({ path: location.pathname, search: location.search });
  const route = createMemo<Route>(() => parseRoute(location_().path));
  const [auth, setAuth] = createSignal<Auth>({ state: 'loading' });

  const navigate = (path: string) => {
    if (path !== location.pathname + location.search) history.pushState(null, '', path);
    setLocation({ path: location.pathname, search: location.search });
  };
  const onPopState = () => setLocation({ path: location.pathname, search: location.search });
  window.addEventListener('popstate', onPopState);
  onCleanup(() => window.removeEventListener('popstate', onPopState));

  // Ask for the saved layout together with "who am I": the workspace needs both before the form
  // can show, and one round trip is cheaper than two in a row. Signed out, it is a 401: no layout.
  let layout = api.getLayout().catch(() => null);
  onMount(() => {
    api.me().then(
      (user) => setAuth({ state: 'ready', user }),
      (e: unknown) => setAuth({ state: 'failed', message: e instanceof Error ? e.message : String(e) }),
    );
  });

  const user = () => {
    const a = auth();
    return a.state === 'ready' ? a.user : null;
  };
  const signOut = () => {
    void api.logout().finally(() => {
      // Unmounting the workbench closes the open local copy, so that deleting it is not blocked.
      setAuth({ state: 'ready', user: null });
      navigate('/login');
      // A shared computer: the next person must not find this one's documents in the browser.
      void clearLocalCopies();
    });
  };
  const configId = createMemo(() => {
    const r = route();
    return r.name === 'config' ? r.configId : null;
  });
  const next = () => {
    const r = route();
    if (r.name === 'account') return safeNext(new URLSearchParams(location_().search).get('next'));
    return location_().path;
  };
  const accountMode = (): 'login' | 'signup' => {
    const r = route();
    return r.name === 'account' ? r.page : 'login';
  };
  const share = () => {
    const r = route();
    return r.name === 'share' ? r.token : null;
  };
  const orgId = () => {
    const r = route();
    return r.name === 'org' ? r.orgId : null;
  };
  const orgInvitation = () => {
    const r = route();
    return r.name === 'orgInvitation' ? r.token : null;
  };
  const invitation = () => {
    const r = route();
    return r.name === 'invitation' ? r.token : null;
  };

  return (
    <Switch>
      <Match when={auth().state === 'loading'}>
        <div class="splash">Loading…</div>
      </Match>
      <Match when={auth().state === 'failed'}>
        <div class="splash" role="alert">
          The server did not answer: {(auth() as { message: string }).message}. Reload to try again.
        </div>
      </Match>
      <Match when={share()}>
        {(token) => <ShareGate api={api} token={token()} user={user()} navigate={navigate} onSignOut={signOut} />}
      </Match>
      <Match when={invitation()}>
        {(token) => <InvitationPage kind={CONFIG_INVITATION} api={api} token={token()} user={user()} navigate={navigate} />}
      </Match>
      <Match when={orgInvitation()}>
        {(token) => <InvitationPage kind={ORG_INVITATION} api={api} token={token()} user={user()} navigate={navigate} />}
      </Match>
      <Match when={orgId() !== null && user()}>
        {(u) => <OrgPage api={api} user={u()} orgId={orgId()!} onHome={() => navigate('/')} />}
      </Match>
      <Match when={route().name === 'settings' && user()}>
        {(u) => <AccountSettingsPage api={api} user={u()} onHome={() => navigate('/')} />}
      </Match>
      <Match when={route().name === 'account' || !user()}>
        <AccountPage
          api={api}
          mode={accountMode()}
          next={next()}
          onSignedIn={(u) => {
            layout = api.getLayout().catch(() => null);
            setAuth({ state: 'ready', user: u });
            navigate(next());
          }}
          onSwitch={(mode) => navigate(`/${mode}?next=${encodeURIComponent(next())}`)}
        />
      </Match>
      <Match when={user()}>
        {(u) => <Workbench api={api} user={u()} configId={configId} navigate={navigate} onSignOut={signOut} initialLayout={layout} />}
      </Match>
    </Switch>
  );
}
