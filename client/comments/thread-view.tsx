/**
 * One comment thread: where it hangs (a field, or the whole configuration; marked when its field
 * was removed or no longer applies), its comments, and — for commenters and up — reply and
 * resolve / reopen.
 */
import { createSignal, For, Show, type JSX } from 'solid-js';
import type { AnchorStatus } from '../../shared/comment-anchor.ts';
import type { ThreadView as Thread } from '../../shared/history-types.ts';
import type { ConfigSchema } from '../../shared/schema/types.ts';
import { relativeTime } from '../app/words.ts';
import { fieldTitle } from '../history/value-format.ts';
import { CommentComposer } from './comment-composer.tsx';
import { filePathOfAnchor, isFileAnchorPath } from '../../shared/files/file-line-anchor.ts';

const DETACHED_WORDS = {
  removed: 'field removed',
  not_applicable: 'field not in use',
} as const;

const DETACHED_TITLES = {
  removed: 'The field this thread was on is gone (a removed list entry, or a field this version no longer has).',
  not_applicable: 'The field this thread is on does not apply with the current settings, so the form does not show it.',
} as const;

const FILE_DETACHED_TITLE = 'The file this thread was on is gone: deleted, or renamed by someone whose client could not move the thread.';

export function ThreadCard(props: {
  thread: Thread;
  status: AnchorStatus;
  schema: ConfigSchema;
  now: number;
  canComment: boolean;
  /** Show where the thread hangs (lists with threads of several fields). */
  showAnchor: boolean;
  onReply: (body: string) => Promise<unknown>;
  onResolve: (resolved: boolean) => Promise<unknown>;
  /** File-line threads: the line it is on now, worked out from the live document. */
  line?: number;
  /** Go to the field in the form. */
  onShowField?: (path: string) => void;
}): JSX.Element {
  const [busy, setBusy] = createSignal(false);
  const [replying, setReplying] = createSignal(false);
  const resolve = async (resolved: boolean) => {
    setBusy(true);
    try {
      await props.onResolve(resolved);
    } finally {
      setBusy(false);
    }
  };
  const fileLine = () => (props.thread.anchor && isFileAnchorPath(props.thread.anchor.path) ? props.thread.anchor : null);
  const anchorTitle = () => {
    const file = fileLine();
    if (file) return `${filePathOfAnchor(file.path)}, line ${props.line ?? props.thread.line ?? file.line ?? 1}`;
    return props.thread.anchor ? fieldTitle(props.schema, props.thread.anchor.path) : 'The whole configuration';
  };
  return (
    <article
      class="thread"
      classList={{ 'thread--resolved': props.thread.resolved, 'thread--detached': props.status.detached }}
      data-thread={props.thread.id}
      data-testid="comment-thread"
      aria-label={`Comments on ${anchorTitle()}`}
    >
      <Show when={props.showAnchor || props.status.detached || props.thread.resolved}>
        <header class="thread-head">
          <Show when={props.showAnchor}>
            <Show when={props.thread.anchor && !fileLine() && !props.status.detached && props.onShowField} fallback={<span class="thread-anchor">{anchorTitle()}</span>}>
              <button type="button" class="thread-anchor thread-anchor--link" onClick={() => props.onShowField!(props.thread.anchor!.path)}>
                {anchorTitle()}
              </button>
            </Show>
          </Show>
          <Show when={props.status.detached ? props.status : null}>
            {(s) => (
              <span class="badge badge--detached" title={fileLine() ? FILE_DETACHED_TITLE : DETACHED_TITLES[s().reason]} data-testid="thread-detached">
                {fileLine() ? 'file removed' : DETACHED_WORDS[s().reason]}
              </span>
            )}
          </Show>
          <Show when={props.thread.resolved}>
            <span class="badge badge--resolved" title={props.thread.resolvedBy ? `Resolved by ${props.thread.resolvedBy.name}` : undefined}>
              resolved
            </span>
          </Show>
        </header>
      </Show>
      <ol class="comments">
        <For each={props.thread.comments}>
          {(comment) => (
            <li class="comment">
              <div class="comment-meta">
                <span class="comment-author">{comment.author.name}</span>
                <time class="muted" dateTime={comment.createdAt} title={new Date(comment.createdAt).toLocaleString()}>
                  {relativeTime(comment.createdAt, props.now)}
                </time>
                <Show when={comment.editedAt}>
                  <span class="muted">· edited</span>
                </Show>
              </div>
              <p class="comment-body">{comment.body}</p>
            </li>
          )}
        </For>
      </ol>
      <Show when={props.canComment}>
        <Show
          when={replying()}
          fallback={
            <div class="thread-actions">
              <Show when={!props.thread.resolved}>
                <button type="button" class="button button--small" onClick={() => setReplying(true)}>
                  Reply
                </button>
              </Show>
              <button type="button" class="button button--small" disabled={busy()} onClick={() => void resolve(!props.thread.resolved)}>
                {props.thread.resolved ? 'Reopen' : 'Resolve'}
              </button>
            </div>
          }
        >
          <CommentComposer
            placeholder="Reply…"
            label={`Reply on ${anchorTitle()}`}
            submitLabel="Reply"
            autofocus
            onCancel={() => setReplying(false)}
            onSubmit={async (body) => {
              await props.onReply(body);
              setReplying(false);
            }}
          />
        </Show>
      </Show>
    </article>
  );
}
