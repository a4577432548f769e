/**
 * The workspace chosen in the top bar: "Personal" or one of your organisations. It filters the
 * configuration list and is where new and imported configurations go. Remembered in
 * localStorage (per browser, not per account: an organisation you are no longer in falls back to
 * Personal once the list of your organisations says so).
 */
import { createSignal, type Accessor } from 'solid-js';
import type { ConfigSummary } from '../app/api.ts';
import type { OrgsApi, OrgSummary } from './orgs-api.ts';

const STORAGE_KEY = 'boardroom.workspace';

export interface WorkspaceChoice {
  /** Your organisations, with your role in each. */
  orgs: Accessor<OrgSummary[]>;
  /** The chosen organisation's id; null: Personal. */
  current: Accessor<string | null>;
  currentOrg(): OrgSummary | null;
  choose(orgId: string | null): void;
  refresh(): Promise<void>;
  /** Is the configuration in the chosen workspace? Personal also holds configurations shared
   * with you from organisations you are not in: they would show nowhere else. */
  holds(config: ConfigSummary): boolean;
}

function stored(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage refused (private mode): start with Personal
  }
}

export function createWorkspaceChoice(api: Pick<OrgsApi, 'list'>): WorkspaceChoice {
  const [orgs, setOrgs] = createSignal<OrgSummary[]>([]);
  const [current, setCurrent] = createSignal<string | null>(stored());
  const choose = (orgId: string | null) => {
    setCurrent(orgId);
    try {
      if (orgId) localStorage.setItem(STORAGE_KEY, orgId);
      else localStorage.removeItem(STORAGE_KEY);
    } catch {
      // Not remembered; the choice still holds for this page.
    }
  };
  return {
    orgs,
    current,
    currentOrg: () => orgs().find((o) => o.id === current()) ?? null,
    choose,
    async refresh() {
      const list = await api.list();
      setOrgs(list);
      if (current() && !list.some((o) => o.id === current())) choose(null);
    },
    holds(config) {
      const orgId = config.orgId ?? null;
      const chosen = current();
      if (chosen) return orgId === chosen;
      return orgId === null || !orgs().some((o) => o.id === orgId);
    },
  };
}
