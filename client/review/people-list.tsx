/**
 * Who is here and on which field, with Follow: your form then scrolls to and highlights the field
 * they are on as they move, until you edit yourself or stop it. Your own switches: whether others may follow
 * you, and whether you are visible at all.
 */
import { createMemo, For, Show, type JSX } from 'solid-js';
import { parsePointer } from '../../shared/json-pointer.ts';
import { titleAt } from '../../shared/schema/schema-path.ts';
import type { ConfigSchema } from '../../shared/schema/types.ts';
import { initials } from '../session/presence.ts';
import type { ReviewCenter } from './review-center.ts';
import type { ReviewPerson } from './review-people.ts';

function whereIs(schema: ConfigSchema, person: ReviewPerson): string {
  if (!person.path) return 'viewing';
  try {
    return `on ${titleAt(schema, parsePointer(person.path))}`;
  } catch {
    return 'on an unknown field';
  }
}

export function PeopleList(props: { center: ReviewCenter; selfId: string | null; onFollow: () => void }): JSX.Element {
  const { center } = props;
  const follow = center.follow;
  const presence = center.presence;
  const schema = center.session.schema;
  const followingId = () => {
    const state = follow.state();
    return state.kind === 'following' ? state.userId : null;
  };
  const people = () => follow.people();
  // Rows keyed by person, not by the objects presence rebuilds on every change: a row re-created
  // under the pointer between mousedown and mouseup (your own caret leaving a field as you click
  // Follow changes presence) swallows the click.
  const ids = createMemo(() => people().map((p) => p.userId), [], { equals: (a, b) => a.length === b.length && a.every((id, i) => id === b[i]) });
  const byId = createMemo(() => new Map(people().map((p) => [p.userId, p])));
  const nameOf = (userId: string) => people().find((p) => p.userId === userId)?.name ?? 'someone';
  // Your own entry carries no server stamp locally: your account id says who "you" are.
  const isYou = (userId: string) => userId === props.selfId || userId === people().find((p) => p.isLocal)?.userId;
  return (
    <div class="people">
      <ul class="people-list" aria-label="People here" data-testid="review-people">
        <For each={ids()}>
          {(userId) => {
            let last: ReviewPerson | undefined;
            const person = (): ReviewPerson => (last = byId().get(userId) ?? last)!;
            return (
              <li class="person" data-user={person().userId} classList={{ 'person--followed': followingId() === person().userId }}>
                <span class="avatar" style={{ 'background-color': person().color }} aria-hidden="true">
                  {initials(person().name)}
                </span>
                <span class="person-main">
                  <span class="person-name">
                    {person().name}
                    {person().isLocal ? ' (you)' : ''}
                  </span>
                  <span class="person-where muted" data-testid="person-where">
                    {whereIs(schema, person())}
                    <Show when={person().following}>
                      {(target) => <> · following {isYou(target()) ? 'you' : nameOf(target())}</>}
                    </Show>
                  </span>
                </span>
                <Show when={!person().isLocal}>
                  <Show
                    when={followingId() === person().userId}
                    fallback={
                      <span class="person-action" title={person().followable ? undefined : `${person().name} turned off being followed`}>
                        <button
                          type="button"
                          class="button button--small"
                          disabled={!person().followable}
                          aria-label={`Follow ${person().name}`}
                          data-testid="follow-button"
                          onClick={() => {
                            follow.follow(person().userId);
                            props.onFollow();
                          }}
                        >
                          Follow
                        </button>
                      </span>
                    }
                  >
                    <button type="button" class="button button--small button--active" aria-pressed="true" onClick={() => follow.stop()} data-testid="unfollow-button">
                      Following
                    </button>
                  </Show>
                </Show>
              </li>
            );
          }}
        </For>
      </ul>
      <Show when={presence.hidden()}>
        <p class="people-hidden muted" role="status">
          You are hidden: nobody sees you here or where you are.
        </p>
      </Show>
      <div class="people-self" role="group" aria-label="What others see of you">
        <label class="check">
          <input type="checkbox" checked={presence.followable()} onChange={(e) => presence.setFollowable(e.currentTarget.checked)} data-testid="followable-toggle" />
          Others may follow me
        </label>
        <label class="check">
          <input type="checkbox" checked={presence.hidden()} onChange={(e) => presence.setHidden(e.currentTarget.checked)} data-testid="hide-presence-toggle" />
          Hide my presence
        </label>
      </div>
    </div>
  );
}
