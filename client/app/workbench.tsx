/**
 * The workbench: the top bar, the golden-layout workspace with its panels, and the status line.
 * One configuration container at a time (config-container.ts); opening another disposes the
 * previous one. The workspace itself stays mounted while you move between configurations.
 */
import { createEffect, createSignal, on, onCleanup, onMount, Show, type Accessor, type JSX } from 'solid-js';
import { render } from 'solid-js/web';
import { ShareDialog } from '../share/share-dialog.tsx';
import { openConfigContainer, type ConfigContainer } from '../session/config-container.ts';
import { localCopyName } from '../session/local-copy.ts';
import { browserNetwork } from '../session/network.ts';
import { browserLayoutStore, createLayoutPersistence, withLeavingCopy, type LayoutPersistence } from '../workspace/layout-persistence.ts';
import { Panel } from '../workspace/panels.tsx';
import { createWorkspace, type Workspace } from '../workspace/workspace.ts';
import type { Api, User } from './api.ts';
import type { AppContext } from './app-context.ts';
import { createConfigList } from './config-list.ts';
import { AccessEndedPage, ConnectionBanner } from './connection-notice.tsx';
import { loadIdentity, type Identity } from './identity.ts';
import { StatusBar } from './status-bar.tsx';
import { TopBar } from './top-bar.tsx';
import { createWorkspaceChoice } from '../orgs/workspace-choice.ts';

/** How long a passing message (layout not saved, …) stays in the status line. */
const MESSAGE_DISPLAY_MS = 6_000;

function syncUrl(): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/sync`;
}

export interface WorkbenchProps {
  api: Api;
  /** Signed-in user, or null for a guest who came by a share link. */
  user: User | null;
  /** The configuration to open (from the URL or the share link). */
  configId: Accessor<string | null>;
  share?: { token: string };
  navigate(path: string): void;
  onSignOut(): void;
  /** The saved layout, when the app already asked for it while finding out who you are. */
  initialLayout?: Promise<unknown>;
}

export function Workbench(props: WorkbenchProps): JSX.Element {
  const guest = loadIdentity(localStorage);
  const identity: Identity = props.user ? { name: props.user.name, color: guest.color } : guest;
  const api = props.share ? props.api.withShareToken(props.share.token) : props.api;
  const [container, setContainer] = createSignal<ConfigContainer | null>(null);
  const session = () => container()?.session ?? null;
  const network = browserNetwork();
  const [openPanels, setOpenPanels] = createSignal<ReadonlySet<string>>(new Set());
  const [message, setMessage] = createSignal<string | null>(null);
  const [sharing, setSharing] = createSignal(false);
  let messageTimer: ReturnType<typeof setTimeout> | undefined;
  const showMessage = (text: string) => {
    setMessage(text);
    clearTimeout(messageTimer);
    messageTimer = setTimeout(() => setMessage(null), MESSAGE_DISPLAY_MS);
  };

  let workspace: Workspace | null = null;
  let persistence: LayoutPersistence | null = null;

  const ctx: AppContext = {
    api,
    identity,
    user: props.user,
    container,
    configs: createConfigList(api),
    workspace: createWorkspaceChoice(api.orgs),
    navigate: props.navigate,
    revealPanel: (type) => workspace?.reveal(type) ?? null,
  };

  createEffect(
    on(props.configId, (configId) => {
      setSharing(false);
      container()?.dispose();
      setContainer(
        configId
          ? openConfigContainer({
              configId,
              wsUrl: syncUrl(),
              identity,
              api,
              network,
              share: props.share ? { token: props.share.token, guestName: guest.name } : undefined,
              // Guests have no account to tie a copy to, nor a sign-out that would delete it.
              localCopyName: props.user && !props.share ? localCopyName(props.user.id, configId) : undefined,
            })
          : null,
      );
    }),
  );
  createEffect(() => {
    const name = session()?.name();
    document.title = name ? `${name} — Boardroom` : 'Boardroom';
  });

  let host!: HTMLDivElement;
  onMount(() => {
    workspace = createWorkspace(host, (type, element, panel) => render(() => <Panel type={type} ctx={ctx} panel={panel} />, element));
    const ws = workspace;
    createEffect(() => setOpenPanels(ws.openPanels()));
    let prefetched = props.initialLayout;
    const store = props.user
      ? withLeavingCopy({
          get: () => {
            const early = prefetched;
            prefetched = undefined;
            return early ?? api.getLayout();
          },
          put: (layout: unknown, options?: { leaving?: boolean }) => api.putLayout(layout, options),
        }, sessionStorage, `boardroom.layout.leaving:${props.user.id}`)
      : browserLayoutStore(localStorage);
    persistence = createLayoutPersistence(store, ws, showMessage);
    void persistence.restore();
  });
  // Edits neither saved on the server nor in the local copy would be lost: ask before leaving.
  const onBeforeUnload = (event: BeforeUnloadEvent): void => {
    const current = session();
    if (!current || current.editsKept()) return;
    event.preventDefault();
    // Older Chromium shows the prompt only when returnValue is set.
    event.returnValue = '';
  };
  window.addEventListener('beforeunload', onBeforeUnload);
  // A panel changed less than the save debounce before a reload or close is saved on the way out.
  const onPageHide = (): void => persistence?.leave();
  window.addEventListener('pagehide', onPageHide);
  onCleanup(() => {
    window.removeEventListener('beforeunload', onBeforeUnload);
    window.removeEventListener('pagehide', onPageHide);
    persistence?.destroy();
    workspace?.destroy();
    container()?.dispose();
    clearTimeout(messageTimer);
  });

  /** Access is gone (revoked, signed out, deleted): the workspace is covered and inert. */
  const blockingEnd = () => {
    const current = session();
    const end = current?.connectionEnd();
    return current && end && end.blocking && current.connection() === 'closed' ? end : null;
  };
  const goHome = () => props.navigate('/');
  // Linking GitHub is offered to signed-in people when the server has GitHub sign-in.
  const [githubOffered, setGithubOffered] = createSignal(false);
  if (props.user) {
    props.api.providers().then(
      (p) => setGithubOffered(p.github),
      (e: unknown) => console.warn('sign-in providers unavailable', e),
    );
  }
  const linkGithub = async () => {
    try {
      const { url } = await props.api.linkGithub(location.pathname);
      location.assign(url);
    } catch (e) {
      window.alert(`GitHub could not be linked: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  return (
    <div class="app">
      <TopBar
        container={container()}
        user={props.user}
        openPanels={openPanels()}
        onReveal={(type) => workspace?.reveal(type)}
        onAddPanel={(type) => workspace?.add(type)}
        onResetLayout={() => void persistence?.reset()}
        onShare={() => setSharing(true)}
        onHome={goHome}
        onSignOut={props.onSignOut}
        onAccount={() => props.navigate('/account')}
        workspace={props.user ? ctx.workspace : null}
        api={api}
        navigate={props.navigate}
        onLinkGithub={githubOffered() ? () => void linkGithub() : undefined}
      />
      <div class="app-banners">
        <Show when={session()}>{(current) => <ConnectionBanner session={current()} onHome={goHome} />}</Show>
      </div>
      <div class="workspace-area">
        <main class="workspace" ref={host} inert={blockingEnd() ? true : undefined} />
        <Show when={blockingEnd()}>{(end) => <AccessEndedPage end={end()} session={session()!} onHome={goHome} />}</Show>
      </div>
      <StatusBar session={session()} identity={session()?.self() ?? identity} message={message()} />
      <Show when={sharing() && session()}>
        {(current) => (
          <ShareDialog
            api={api.access}
            webhooks={container()?.may('manageWebhooks') ? api.webhooks : null}
            configId={current().configId}
            configName={current().name()}
            selfId={props.user?.id ?? null}
            onClose={() => setSharing(false)}
          />
        )}
      </Show>
    </div>
  );
}
