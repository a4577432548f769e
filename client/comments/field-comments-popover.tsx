/**
 * The comment threads of one field, in a popover beside its badge: open threads first, resolved
 * ones on request, and a box to start a new thread (commenters and up). Rendered into <body> so
 * no panel clips it; it follows its badge when the form scrolls and closes on Escape or a click
 * elsewhere, giving focus back to the badge.
 */
import { createMemo, createSignal, For, onCleanup, onMount, Show, type JSX } from 'solid-js';
import { Portal } from 'solid-js/web';
import type { ThreadView } from '../../shared/history-types.ts';
import type { ReviewCenter } from '../review/review-center.ts';
import { CommentComposer } from './comment-composer.tsx';
import { isAnchoredAt, liveAnchorStatus } from './thread-counts.ts';
import { ThreadCard } from './thread-view.tsx';

/** Room kept between the popover and the window's edges. */
const EDGE_PX = 8;
const POPOVER_WIDTH_PX = 360;
/** Below the badge when at least this much room is left there (a thread and the comment box). */
const MIN_ROOM_BELOW_PX = 260;

interface Placement {
  left: number;
  /** Distance from the top of the window (below the badge) or from its bottom (above it). */
  top?: number;
  bottom?: number;
  maxHeight: number;
}

export function FieldCommentsPopover(props: { center: ReviewCenter; pointer: string; title: string; anchor: HTMLElement; onClose: () => void }): JSX.Element {
  const { center } = props;
  const session = center.session;
  const [position, setPosition] = createSignal<Placement>({ left: 0, top: 0, maxHeight: MIN_ROOM_BELOW_PX });
  const [showResolved, setShowResolved] = createSignal(false);
  const canComment = () => session.may('comment');
  const threads = createMemo(() => center.comments.threads().filter((t) => isAnchoredAt(t, props.pointer)));
  const open = () => threads().filter((t) => !t.resolved);
  const resolved = () => threads().filter((t) => t.resolved);
  let box!: HTMLDivElement;

  const place = () => {
    const rect = props.anchor.getBoundingClientRect();
    const width = Math.min(POPOVER_WIDTH_PX, window.innerWidth - 2 * EDGE_PX);
    const left = Math.max(EDGE_PX, Math.min(rect.left, window.innerWidth - width - EDGE_PX));
    const below = window.innerHeight - rect.bottom - EDGE_PX - 4;
    const above = rect.top - EDGE_PX - 4;
    if (below >= MIN_ROOM_BELOW_PX || below >= above) setPosition({ left, top: rect.bottom + 4, maxHeight: below });
    else setPosition({ left, bottom: window.innerHeight - rect.top + 4, maxHeight: above });
  };
  let frame = 0;
  const schedule = () => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(place);
  };
  const onPointerDown = (event: PointerEvent) => {
    const target = event.target as Node;
    if (!box.contains(target) && !props.anchor.contains(target)) props.onClose();
  };
  // On the document: after a click on a button that goes away, focus is on <body>, not in here.
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && !event.defaultPrevented) {
      event.preventDefault();
      props.onClose();
      props.anchor.focus();
    }
  };
  onMount(() => {
    place();
    window.addEventListener('scroll', schedule, true);
    window.addEventListener('resize', schedule);
    document.addEventListener('pointerdown', onPointerDown, true);
    document.addEventListener('keydown', onKeyDown);
    if (!canComment()) box.focus();
  });
  onCleanup(() => {
    cancelAnimationFrame(frame);
    window.removeEventListener('scroll', schedule, true);
    window.removeEventListener('resize', schedule);
    document.removeEventListener('pointerdown', onPointerDown, true);
    document.removeEventListener('keydown', onKeyDown);
  });

  const card = (thread: ThreadView) => (
    <ThreadCard
      thread={thread}
      status={liveAnchorStatus(thread, session.schema, center.comments.config())}
      schema={session.schema}
      now={center.now()}
      canComment={canComment()}
      showAnchor={thread.anchor?.path !== props.pointer}
      onReply={(body) => center.comments.reply(thread.id, body)}
      onResolve={(value) => center.comments.setResolved(thread.id, value)}
    />
  );

  return (
    <Portal>
      <div
        ref={box}
        class="popover comments-popover"
        role="dialog"
        aria-label={`Comments on ${props.title}`}
        tabIndex={-1}
        style={{
          left: `${position().left}px`,
          top: position().top === undefined ? undefined : `${position().top}px`,
          bottom: position().bottom === undefined ? undefined : `${position().bottom}px`,
          'max-height': `${position().maxHeight}px`,
          width: `${POPOVER_WIDTH_PX}px`,
        }}
        data-testid="comments-popover"
        data-pointer={props.pointer}
      >
        {/* A <div>: a <header> outside any section would be a second banner landmark beside the top bar. */}
        <div class="popover-head">
          <span class="popover-title">{props.title}</span>
          <span class="muted">{open().length === 1 ? '1 open thread' : `${open().length} open threads`}</span>
          <span class="top-spacer" />
          <button type="button" class="icon-button" aria-label="Close" onClick={() => props.onClose()}>
            ✕
          </button>
        </div>
        <div class="popover-body">
          <For each={open()}>{card}</For>
          <Show when={resolved().length > 0}>
            <button type="button" class="link-button" aria-expanded={showResolved()} onClick={() => setShowResolved((v) => !v)}>
              {showResolved() ? 'Hide' : 'Show'} {resolved().length} resolved
            </button>
            <Show when={showResolved()}>
              <For each={resolved()}>{card}</For>
            </Show>
          </Show>
          <Show when={threads().length === 0 && !canComment()}>
            <p class="muted popover-empty">No comments on this field.</p>
          </Show>
        </div>
        <Show when={canComment()}>
          <div class="popover-foot">
            <CommentComposer
              placeholder={open().length > 0 ? 'Start another thread on this field…' : 'Comment on this field…'}
              label={`New comment on ${props.title}`}
              submitLabel="Comment"
              autofocus
              testId="new-field-comment"
              onSubmit={(body) => center.comments.start(body, props.pointer)}
            />
          </div>
        </Show>
      </div>
    </Portal>
  );
}
