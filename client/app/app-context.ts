/** What every panel gets: the API, who you are, the open configuration's container, navigation. */
import type { Accessor } from 'solid-js';
import type { ConfigContainer } from '../session/config-container.ts';
import type { PanelType } from '../workspace/panel-types.ts';
import type { Api, ConfigSummary, User } from './api.ts';
import type { Identity } from './identity.ts';
import type { WorkspaceChoice } from '../orgs/workspace-choice.ts';

export interface ConfigList {
  items: Accessor<ConfigSummary[]>;
  loading: Accessor<boolean>;
  error: Accessor<string | null>;
  refresh(): Promise<void>;
}

export interface AppContext {
  api: Api;
  identity: Identity;
  /** Signed-in user; null for a guest who came by a share link. */
  user: User | null;
  /** The open configuration's container (session, history and reviews, builds), or null on the
   * start page. A new one for each configuration opened; the previous one is disposed. */
  container: Accessor<ConfigContainer | null>;
  configs: ConfigList;
  /** The workspace chosen in the top bar (Personal or an organisation; client/orgs/). */
  workspace: WorkspaceChoice;
  navigate(path: string): void;
  /** Brings a panel of `type` to the front of its stack (the one used last when there are
   * several; a new one when there is none), e.g. the form when a problem is chosen. Returns its
   * panel id, to address a request to it. */
  revealPanel(type: PanelType): string | null;
}
