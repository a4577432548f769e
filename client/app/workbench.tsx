/**
 * The workbench: the top bar, the golden-layout workspace with its panels, and the status line.
 * One configuration session at a time; opening another destroys the previous one. The workspace
 * itself stays mounted while you move between configurations.
 */
import { createEffect, createSignal, on, onCleanup, onMount, type Accessor, type JSX } from 'solid-js';
import { render } from 'solid-js/web';
import { createConfigSession, type ConfigSession } from '../session/config-session.ts';
import { browserLayoutStore, createLayoutPersistence, type LayoutPersistence } from '../workspace/layout-persistence.ts';
import { Panel } from '../workspace/panels.tsx';
import type { PanelType } from '../workspace/panel-types.ts';
import { createWorkspace, type Workspace } from '../workspace/workspace.ts';
import type { Api, User } from './api.ts';
import type { AppContext } from './app-context.ts';
import { createConfigList } from './config-list.ts';
import { loadIdentity, type Identity } from './identity.ts';
import { StatusBar } from './status-bar.tsx';
import { TopBar } from './top-bar.tsx';

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
  const [session, setSession] = createSignal<ConfigSession | null>(null);
  const [openPanels, setOpenPanels] = createSignal<ReadonlySet<string>>(new Set());
  const [message, setMessage] = createSignal<string | null>(null);
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
    session,
    configs: createConfigList(api),
    navigate: props.navigate,
    revealPanel: (type) => workspace?.reveal(type as PanelType),
  };

  createEffect(
    on(props.configId, (configId) => {
      session()?.destroy();
      setSession(
        configId
          ? createConfigSession({
              configId,
              wsUrl: syncUrl(),
              identity,
              api,
              share: props.share ? { token: props.share.token, guestName: guest.name } : undefined,
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
    workspace = createWorkspace(host, (type, element) => render(() => <Panel type={type} ctx={ctx} />, element));
    const ws = workspace;
    createEffect(() => setOpenPanels(ws.openPanels()));
    let prefetched = props.initialLayout;
    const store = props.user
      ? {
          get: () => {
            const early = prefetched;
            prefetched = undefined;
            return early ?? api.getLayout();
          },
          put: (layout: unknown) => api.putLayout(layout),
        }
      : browserLayoutStore(localStorage);
    persistence = createLayoutPersistence(store, ws, showMessage);
    void persistence.restore();
  });
  onCleanup(() => {
    persistence?.destroy();
    workspace?.destroy();
    session()?.destroy();
    clearTimeout(messageTimer);
  });

  return (
    <div class="app">
      <TopBar
        session={session()}
        user={props.user}
        openPanels={openPanels()}
        onReveal={(type) => workspace?.reveal(type)}
        onResetLayout={() => void persistence?.reset()}
        onHome={() => props.navigate('/')}
        onSignOut={props.onSignOut}
      />
      <main class="workspace" ref={host} />
      <StatusBar session={session()} identity={session()?.self() ?? identity} message={message()} />
    </div>
  );
}
