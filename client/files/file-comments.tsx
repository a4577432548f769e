/**
 * Comment threads on the lines of the open text file, beside its editor: every thread of the file
 * in line order (where its line is now, worked out from the live document, so it follows edits
 * above it while anyone types), the gutter's markers kept in step, and a box to start a thread on
 * a line (from the gutter, or "Comment on line N" for the cursor's line). A click on a thread's
 * line shows that line in the editor. Threads are the review center's (`CommentStore`).
 */
import { createEffect, createMemo, createSignal, For, onCleanup, Show, type Accessor, type JSX } from 'solid-js';
import * as Y from 'yjs';
import type { CommentAnchor } from '../../shared/comment-anchor.ts';
import { encodeLinePosition, fileAnchorPath, fileLineStatus, FILE_ANCHOR_PREFIX, filePathOfAnchor, lineStart, offsetIn, positionInMovedFile, type FileLineStatus } from '../../shared/files/file-line-anchor.ts';
import { filesRoot, pathsUnder } from '../../shared/files/file-tree.ts';
import type { ThreadView } from '../../shared/history-types.ts';
import { SCHEMA_VERSION } from '../../shared/schema/version.ts';
import { CommentComposer } from '../comments/comment-composer.tsx';
import { ThreadCard } from '../comments/thread-view.tsx';
import type { ReviewCenter } from '../review/review-center.ts';
import type { CodeEditor } from './code-editor.ts';

interface Placed {
  thread: ThreadView;
  status: FileLineStatus;
}

/** A thread about to be started: its place is fixed when the box opens, and follows edits. */
interface Draft {
  position: string;
}

export interface FileCommentsHandle {
  /** A gutter click on `line`: its threads are shown, or (none there) a box to start one. */
  onLine(line: number): void;
}

export function FileComments(props: {
  center: ReviewCenter;
  doc: Y.Doc;
  path: string;
  text: Y.Text;
  editor: Accessor<CodeEditor | null>;
  canComment: boolean;
  /** The cursor's line in the editor (for "Comment on line N"). */
  cursorLine: Accessor<number>;
  ref: (handle: FileCommentsHandle) => void;
}): JSX.Element {
  const comments = props.center.comments;
  const anchorPath = () => fileAnchorPath(props.path);
  // Bumped by every change to the file's text: lines are worked out again.
  const [edits, setEdits] = createSignal(0);
  const bump = () => setEdits((n) => n + 1);
  props.text.observe(bump);
  onCleanup(() => props.text.unobserve(bump));
  const [draft, setDraft] = createSignal<Draft | null>(null);
  const [focused, setFocused] = createSignal<number | null>(null);
  const [showResolved, setShowResolved] = createSignal(false);

  const placed = createMemo<Placed[]>(() => {
    edits();
    return comments
      .threads()
      .filter((t) => t.anchor?.path === anchorPath())
      .map((thread) => ({ thread, status: fileLineStatus(props.doc, thread.anchor!.path, thread.anchor!.position, thread.anchor!.line) }))
      .sort((a, b) => lineOf(a.status) - lineOf(b.status) || a.thread.createdAt.localeCompare(b.thread.createdAt));
  });
  const open = () => placed().filter((p) => !p.thread.resolved);
  const resolved = () => placed().filter((p) => p.thread.resolved);
  const draftLine = createMemo(() => {
    edits();
    const d = draft();
    return d ? lineOf(fileLineStatus(props.doc, anchorPath(), d.position, 1)) : null;
  });

  // The gutter shows the open threads' lines.
  createEffect(() => {
    const lines = new Map<number, number>();
    for (const p of open()) if (!p.status.detached) lines.set(p.status.line, (lines.get(p.status.line) ?? 0) + 1);
    props.editor()?.setCommentLines(lines);
  });

  const startAt = (line: number) => {
    if (!props.canComment) return;
    setDraft({ position: encodeLinePosition(props.text, line) });
    setFocused(line);
  };
  props.ref({
    onLine(line) {
      if (open().some((p) => !p.status.detached && p.status.line === line)) setFocused(line);
      else startAt(line);
    },
  });

  const submit = async (body: string) => {
    const d = draft();
    if (!d) return;
    const anchor: CommentAnchor = { path: anchorPath(), schemaVersion: SCHEMA_VERSION, position: d.position };
    await comments.startOnLine(body, anchor);
    setDraft(null);
  };

  const card = (p: Placed) => (
    <div classList={{ 'file-thread': true, 'file-thread--focused': !p.status.detached && focused() === lineOf(p.status) }}>
      <button
        type="button"
        class="file-thread__line"
        title={p.status.detached || p.status.exact ? 'Show this line in the editor' : 'The text this thread was on was replaced: shown at the line it was started on'}
        onClick={() => {
          setFocused(lineOf(p.status));
          props.editor()?.showLine(lineOf(p.status));
        }}
      >
        Line {lineOf(p.status)}
        <Show when={!p.status.detached && !p.status.exact}> (approximate)</Show>
      </button>
      <ThreadCard
        thread={p.thread}
        status={p.status.detached ? p.status : { detached: false }}
        line={lineOf(p.status)}
        schema={props.center.session.schema}
        now={props.center.now()}
        canComment={props.canComment}
        showAnchor={false}
        onReply={(body) => comments.reply(p.thread.id, body)}
        onResolve={(value) => comments.setResolved(p.thread.id, value)}
      />
    </div>
  );

  return (
    <aside class="file-comments" aria-label={`Comments on ${props.path}`} data-testid="file-comments">
      <div class="file-comments__head">
        <strong>Comments</strong>
        <Show when={props.canComment}>
          <button
            type="button"
            class="button button--small"
            data-testid="comment-on-line"
            onClick={() => startAt(props.editor()?.cursorLine() ?? props.cursorLine())}
          >
            Comment on line {props.cursorLine()}
          </button>
        </Show>
      </div>
      <Show when={draft() && draftLine() !== null}>
        <div class="file-thread file-thread--focused">
          <span class="file-thread__line">Line {draftLine()}</span>
          <CommentComposer
            placeholder={`Comment on line ${draftLine()}…`}
            label={`Comment on ${props.path}, line ${draftLine()}`}
            submitLabel="Comment"
            autofocus
            testId="file-comment-composer"
            onCancel={() => setDraft(null)}
            onSubmit={submit}
          />
        </div>
      </Show>
      <Show when={open().length > 0 || draft()} fallback={<p class="muted file-comments__empty">No open threads on this file. Click beside a line number to start one.</p>}>
        <For each={open()}>{card}</For>
      </Show>
      <Show when={resolved().length > 0}>
        <button type="button" class="button button--small file-comments__resolved" onClick={() => setShowResolved((v) => !v)}>
          {showResolved() ? 'Hide' : 'Show'} {resolved().length} resolved
        </button>
        <Show when={showResolved()}>
          <For each={resolved()}>{card}</For>
        </Show>
      </Show>
    </aside>
  );
}

const lineOf = (status: FileLineStatus): number => (status.detached ? 1 : status.line);

/**
 * Before a rename or move of `from` (a file or a folder) to `to`: where each file-line thread of
 * the moving files is, so that after the move (a new `Y.Text`, file-tree.ts `movePath`) the
 * returned function can put each thread on the same line of the file's new path. Threads the
 * server refuses to move stay where they were and show as "file removed"; the error is passed on.
 */
export function prepareThreadMove(center: ReviewCenter, doc: Y.Doc, from: string, to: string): () => Promise<void> {
  const moving = new Set(pathsUnder(doc, from).filter((p) => filesRoot(doc).get(p) instanceof Y.Text));
  const plans = center.comments
    .threads()
    .filter((t) => t.anchor?.path.startsWith(FILE_ANCHOR_PREFIX) && moving.has(filePathOfAnchor(t.anchor.path)))
    .map((t) => {
      const oldPath = filePathOfAnchor(t.anchor!.path);
      const text = filesRoot(doc).get(oldPath) as Y.Text;
      const status = fileLineStatus(doc, t.anchor!.path, t.anchor!.position, t.anchor!.line);
      const offset = (t.anchor!.position ? offsetIn(doc, oldPath, t.anchor!.position) : null) ?? lineStart(text.toString(), lineOf(status));
      return { thread: t, newPath: to + oldPath.slice(from.length), offset };
    });
  return async () => {
    const failures: string[] = [];
    for (const plan of plans) {
      const position = positionInMovedFile(doc, plan.newPath, plan.offset);
      if (!position) continue;
      try {
        await center.comments.move(plan.thread.id, { path: fileAnchorPath(plan.newPath), schemaVersion: SCHEMA_VERSION, position });
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }
    if (failures.length > 0) throw new Error(`${failures.length} comment thread${failures.length > 1 ? 's' : ''} could not follow the file: ${failures[0]}`);
  };
}
