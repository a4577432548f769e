/**
 * Every comment thread of the configuration: comments on the whole configuration and on fields
 * (open ones, or all), with a box for a new general comment. A thread whose field was removed or
 * no longer applies stays here, marked, so nothing said is lost.
 */
import { createMemo, createSignal, For, Show, type JSX } from 'solid-js';
import type { ReviewCenter } from '../review/review-center.ts';
import { CommentComposer } from './comment-composer.tsx';
import { liveAnchorStatus } from './thread-counts.ts';
import { ThreadCard } from './thread-view.tsx';

type Filter = 'open' | 'general' | 'all';

const FILTER_WORDS: Record<Filter, string> = { open: 'Open', general: 'On the configuration', all: 'All' };

export function ThreadList(props: { center: ReviewCenter; onShowField: (path: string) => void }): JSX.Element {
  const { center } = props;
  const session = center.session;
  const [filter, setFilter] = createSignal<Filter>('open');
  const canComment = () => session.may('comment');
  const shown = createMemo(() => {
    const threads = center.comments.threads();
    switch (filter()) {
      case 'open':
        return threads.filter((t) => !t.resolved);
      case 'general':
        return threads.filter((t) => t.anchor === null);
      case 'all':
        return threads;
    }
  });
  return (
    <div class="thread-list" data-testid="thread-list">
      <Show when={canComment()}>
        <CommentComposer
          placeholder="Comment on the whole configuration…"
          label="New comment on the whole configuration"
          submitLabel="Comment"
          testId="new-general-comment"
          onSubmit={(body) => center.comments.start(body, null)}
        />
      </Show>
      <div class="thread-filter" role="radiogroup" aria-label="Show threads">
        <For each={Object.keys(FILTER_WORDS) as Filter[]}>
          {(value) => (
            <button type="button" role="radio" class="chip" aria-checked={filter() === value} onClick={() => setFilter(value)}>
              {FILTER_WORDS[value]}
            </button>
          )}
        </For>
      </div>
      <Show when={center.comments.error()}>
        <p class="field-issue field-issue--error" role="alert">
          The comments could not be loaded: {center.comments.error()}
        </p>
      </Show>
      <Show
        when={shown().length > 0}
        fallback={<p class="muted thread-empty">{center.comments.loaded() ? (filter() === 'open' ? 'No open threads.' : 'No comments yet.') : 'Loading comments…'}</p>}
      >
        <For each={shown()}>
          {(thread) => (
            <ThreadCard
              thread={thread}
              status={liveAnchorStatus(thread, session.schema, center.comments.config())}
              schema={session.schema}
              now={center.now()}
              canComment={canComment()}
              showAnchor
              onReply={(body) => center.comments.reply(thread.id, body)}
              onResolve={(value) => center.comments.setResolved(thread.id, value)}
              onShowField={props.onShowField}
            />
          )}
        </For>
      </Show>
    </div>
  );
}
