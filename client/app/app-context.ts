/** What every panel gets: the API, who you are, the open configuration's session, navigation. */
import type { Accessor } from 'solid-js';
import type { BuildCenter } from '../builds/build-center.ts';
import type { ReviewCenter } from '../review/review-center.ts';
import type { ConfigSession } from '../session/config-session.ts';
import type { Api, ConfigSummary, User } from './api.ts';
import type { Identity } from './identity.ts';

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
  /** The open configuration, or null on the start page. */
  session: Accessor<ConfigSession | null>;
  /** The open configuration's builds (shared by the Build button and the Builds panel). */
  builds: Accessor<BuildCenter | null>;
  /** The open configuration's history, comments, reviews and following (form and panels share it). */
  review: Accessor<ReviewCenter | null>;
  configs: ConfigList;
  navigate(path: string): void;
  /** Brings a panel to the front of its stack (e.g. the form, when a problem is chosen). */
  revealPanel(type: string): void;
}
