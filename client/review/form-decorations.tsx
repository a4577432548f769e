/**
 * What history, comments and following add to the form, without the form knowing about them:
 * a context the field rows read (comment badge, history button, "last changed by" on hover,
 * the highlight of the field the person you follow is on), the comments popover, the scrolling
 * that following does, and the notice at the bottom of the form while you follow someone. Your
 * own edit in the form, or Escape, ends following; focusing a field does not (`followEventFor`).
 */
import { createContext, createEffect, createSignal, on, onCleanup, onMount, Show, useContext, type Accessor, type JSX } from 'solid-js';
import type { AppContext } from '../app/app-context.ts';
import { FieldCommentsPopover } from '../comments/field-comments-popover.tsx';
import type { ConfigSession } from '../session/config-session.ts';
import { endedWords } from './follow-state.ts';
import type { ReviewCenter } from './review-center.ts';

/** How long "Stopped following …" stays at the bottom of the form: long enough to read one short
 * sentence, short enough not to sit over the form once you have taken over. */
export const FOLLOW_NOTICE_MS = 4_000;

export interface FormDecorations {
  center: ReviewCenter;
  showHistory(pointer: string): void;
  openComments(pointer: string, title: string, anchor: HTMLElement): void;
  commentsOpenFor: Accessor<string | null>;
}

export const FormDecorationsContext = createContext<FormDecorations | null>(null);

/** Whether the person you follow is on this row (false outside a decorated form). */
export function useFollowedRow(pointer: string): Accessor<boolean> {
  const decorations = useContext(FormDecorationsContext);
  return () => decorations?.center.follow.followedRow() === pointer;
}

/** The row of `pointer`, or of the nearest field above it that the form shows. */
function rowOf(root: HTMLElement, pointer: string): HTMLElement | null {
  const segments = pointer.split('/');
  for (let n = segments.length; n > 1; n--) {
    const row = root.querySelector<HTMLElement>(`[data-pointer="${CSS.escape(segments.slice(0, n).join('/'))}"]`);
    if (row) return row;
  }
  return null;
}

function FollowNotice(props: { center: ReviewCenter; session: ConfigSession }): JSX.Element {
  const follow = props.center.follow;
  const [notice, setNotice] = createSignal<string | null>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  createEffect(
    on(follow.state, (state) => {
      clearTimeout(timer);
      if (state.kind === 'idle' && state.ended) {
        setNotice(endedWords(state.ended));
        timer = setTimeout(() => setNotice(null), FOLLOW_NOTICE_MS);
      } else {
        setNotice(null);
      }
    }),
  );
  onCleanup(() => clearTimeout(timer));
  const where = (path: string | null) => {
    if (!path) return 'not on a field right now';
    const row = props.session.schema.properties[path.split('/')[1] ?? ''];
    return row ? `on ${row.title}` : 'on a field';
  };
  return (
    <Show
      when={follow.state().kind === 'following' ? (follow.state() as Extract<ReturnType<typeof follow.state>, { kind: 'following' }>) : null}
      fallback={
        <Show when={notice()}>
          <div class="follow-bar follow-bar--ended" role="status">
            {notice()}
          </div>
        </Show>
      }
    >
      {(state) => (
        <div class="follow-bar" role="status" data-testid="follow-bar" style={{ '--follow-color': state().color }}>
          <span class="follow-dot" aria-hidden="true" />
          <span>
            Following <strong>{state().name}</strong> · <span class="follow-where">{where(state().path)}</span>
          </span>
          <button type="button" class="button button--small" onClick={() => follow.stop()}>
            Stop
          </button>
        </div>
      )}
    </Show>
  );
}

export function FormDecorated(props: { ctx: AppContext; center: ReviewCenter; children: JSX.Element }): JSX.Element {
  const { center } = props;
  const [comments, setComments] = createSignal<{ pointer: string; title: string; anchor: HTMLElement } | null>(null);
  let root!: HTMLDivElement;

  const decorations: FormDecorations = {
    center,
    showHistory(pointer) {
      // The History panel used last (or a new one) shows it; the others keep their fields.
      center.showHistory(pointer, props.ctx.revealPanel('history'));
    },
    openComments(pointer, title, anchor) {
      setComments((open) => (open?.pointer === pointer ? null : { pointer, title, anchor }));
    },
    commentsOpenFor: () => comments()?.pointer ?? null,
  };

  // Your own edit or Escape in the form ends following (follow-state.ts says why focus does not).
  // Native listeners that see the form's DOM only, not the comments popover (in <body>). Escape
  // is heard on window, after Solid's delegated handlers on document: a widget that used it
  // (the board list closing) has called preventDefault by then.
  const onInput = (event: Event) => center.follow.formEvent(event);
  const onKey = (event: KeyboardEvent) => {
    if (event.target instanceof Node && root.contains(event.target)) center.follow.formEvent(event);
  };
  onMount(() => {
    root.addEventListener('input', onInput);
    window.addEventListener('keydown', onKey);
    onCleanup(() => {
      root.removeEventListener('input', onInput);
      window.removeEventListener('keydown', onKey);
    });
  });

  createEffect(
    on(center.follow.scrollRequest, (request) => {
      if (!request) return;
      const row = rowOf(root, request.path);
      if (!row) return;
      const smooth = !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
      row.scrollIntoView({ block: 'center', behavior: smooth ? 'smooth' : 'auto' });
    }),
  );

  return (
    <FormDecorationsContext.Provider value={decorations}>
      <div class="form-decorated" ref={root}>
        {props.children}
        <FollowNotice center={center} session={center.session} />
      </div>
      <Show when={comments()} keyed>
        {(open) => <FieldCommentsPopover center={center} pointer={open.pointer} title={open.title} anchor={open.anchor} onClose={() => setComments(null)} />}
      </Show>
    </FormDecorationsContext.Provider>
  );
}
