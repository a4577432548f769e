/** The top bar: product, workspace (Personal or an organisation), open configuration, who is here, Build and Share, panel menu and layout reset. */
import { For, Show, type JSX } from 'solid-js';
import { BuildButton } from '../builds/build-button.tsx';
import { Avatar } from '../panels/participants-panel.tsx';
import { ROLE_WORDS } from '../share/role-words.ts';
import type { ConfigContainer } from '../session/config-container.ts';
import { peopleOf } from '../session/presence.ts';
import type { Api, User } from './api.ts';
import { OrgSwitcher } from '../orgs/org-switcher.tsx';
import type { WorkspaceChoice } from '../orgs/workspace-choice.ts';
import { MenuButton, type MenuItem } from './menu-button.tsx';
import { MULTI_INSTANCE_PANELS, PANEL_TITLES, type PanelType } from '../workspace/panel-types.ts';

/** Avatars shown before the stack collapses into "+n". */
const MAX_AVATARS = 6;

export function TopBar(props: {
  container: ConfigContainer | null;
  user: User | null;
  openPanels: ReadonlySet<string>;
  onReveal: (type: PanelType) => void;
  /** Opens another panel of a kind that can be open more than once (MULTI_INSTANCE_PANELS). */
  onAddPanel: (type: PanelType) => void;
  onResetLayout: () => void;
  onShare: () => void;
  onHome: () => void;
  onSignOut: () => void;
  /** Opens the account page (access tokens). */
  onAccount: () => void;
  /** Present when GitHub sign-in exists: links it to this account (an explicit act, never by email). */
  onLinkGithub?: () => void;
  /** The workspace switcher (signed-in people only). */
  workspace: WorkspaceChoice | null;
  api: Api;
  navigate: (path: string) => void;
}): JSX.Element {
  return (
    <header class="top-bar">
      <a
        class="brand"
        href="/"
        onClick={(event) => {
          event.preventDefault();
          props.onHome();
        }}
      >
        <span class="brand-mark" aria-hidden="true">▣</span> Boardroom
      </a>
      <Show when={props.workspace}>{(workspace) => <OrgSwitcher api={props.api} workspace={workspace()} navigate={props.navigate} />}</Show>
      <Show when={props.container}>
        {(container) => {
          const session = () => container().session;
          const people = () => peopleOf(session().participants());
          return (
          <>
            <span class="top-sep" aria-hidden="true">/</span>
            <span class="top-config" data-testid="top-config-name">{session().name() || '…'}</span>
            <Show when={session().role()}>
              {(role) => (
                <span class={`badge role-badge role-badge--${role()}`} data-testid="top-role" title={`You ${ROLE_WORDS[role()].can}`}>
                  {ROLE_WORDS[role()].name}
                </span>
              )}
            </Show>
            <div class="avatar-stack" role="group" data-testid="avatar-stack" aria-label={`${people().length} people here`}>
              <For each={people().slice(0, MAX_AVATARS)}>{(p) => <Avatar participant={p} />}</For>
              <Show when={people().length > MAX_AVATARS}>
                <span class="avatar avatar--more">+{people().length - MAX_AVATARS}</span>
              </Show>
            </div>
            <span class="top-actions">
              {/* Keyed: after switching configuration the button is built afresh for the new
                  center, whose session is the one the status bar shows. */}
              <Show when={container().builds} keyed>
                {(center) => (
                  <BuildButton
                    id="top-build-button"
                    center={center}
                    onStarted={() => props.onReveal('builds')}
                    onShowProblems={() => props.onReveal('problems')}
                  />
                )}
              </Show>
              {/* Members and links are the owner's to manage; the server refuses everyone else. */}
              <Show when={props.user && container().may('manageAccess')}>
                <button type="button" class="button button--small" aria-haspopup="dialog" onClick={() => props.onShare()} data-testid="share-button">
                  Share
                </button>
              </Show>
            </span>
          </>
          );
        }}
      </Show>
      <span class="top-spacer" />
      <MenuButton
        label="Panels ▾"
        testId="panels-menu"
        items={[
          ...(Object.keys(PANEL_TITLES) as PanelType[]).map(
            (type): MenuItem => ({ label: PANEL_TITLES[type], checked: props.openPanels.has(type), onSelect: () => props.onReveal(type) }),
          ),
          ...MULTI_INSTANCE_PANELS.map((type): MenuItem => ({ label: `Another ${PANEL_TITLES[type]} panel`, onSelect: () => props.onAddPanel(type) })),
        ]}
      />
      <button type="button" class="button button--small" onClick={() => props.onResetLayout()} data-testid="reset-layout">
        Reset layout
      </button>
      <Show when={props.user} fallback={<a class="button button--small" href={`/login?next=${encodeURIComponent(location.pathname)}`}>Sign in</a>}>
        {(user) => (
          <span class="user-chip">
            <a
              class="user-name link"
              href="/account"
              title={`${user().email}: your account and access tokens`}
              data-testid="account-link"
              onClick={(event) => {
                event.preventDefault();
                props.onAccount();
              }}
            >
              {user().name}
            </a>
            <Show when={props.onLinkGithub}>
              {(link) => (
                <button type="button" class="button button--small" title="Sign in with GitHub to this account from now on" onClick={() => link()()} data-testid="link-github">
                  Link GitHub
                </button>
              )}
            </Show>
            <button type="button" class="button button--small" onClick={() => props.onSignOut()}>
              Sign out
            </button>
          </span>
        )}
      </Show>
    </header>
  );
}
