/**
 * `/orgs/:orgId`: one organisation. The page loads the organisation (name, your role, its
 * policies) and shows its sections, each a component of its own in `org-sections.tsx` that
 * decides by your organisation role what it offers (the server decides again).
 */
import { createResource, For, Show, type JSX } from 'solid-js';
import type { Api, User } from '../app/api.ts';
import { ORG_SECTIONS } from './org-sections.tsx';

const ROLE_WORDS = { owner: 'Owner', admin: 'Admin', member: 'Member' } as const;

export function OrgPage(props: { api: Api; user: User; orgId: string; onHome: () => void }): JSX.Element {
  const [org, { refetch }] = createResource(
    () => props.orgId,
    (id) => props.api.orgs.get(id),
  );
  return (
    <div class="account-page account-page--settings">
      <main class="account-card account-card--wide" aria-labelledby="org-title">
        <a
          class="link"
          href="/"
          onClick={(event) => {
            event.preventDefault();
            props.onHome();
          }}
        >
          ← Back to Boardroom
        </a>
        <Show when={!org.error} fallback={<p role="alert">This organisation does not exist, or you are not a member of it.</p>}>
          <Show when={org()} fallback={<p class="muted">Loading…</p>}>
            {(o) => (
              <>
                <h1 id="org-title">{o().name}</h1>
                <p class="muted" data-testid="org-role">
                  Your role: {ROLE_WORDS[o().role]}
                </p>
                <For each={ORG_SECTIONS}>{(Section) => <Section api={props.api} user={props.user} org={o()} onChanged={() => void refetch()} />}</For>
              </>
            )}
          </Show>
        </Show>
      </main>
    </div>
  );
}
