/**
 * The comment gutter of the code editor: a marker on every line that has open comment threads
 * (with their count), a "+" on the line under the pointer to start one, and a click on either
 * telling the Files panel which line. The panel works out the lines from the threads' anchors
 * (shared/files/file-line-anchor.ts) and hands them in with `setCommentLines`.
 */
import { RangeSet, StateEffect, StateField } from '@codemirror/state';
import { EditorView, gutter, GutterMarker } from '@codemirror/view';

/** 1-based line → open threads on it. */
export type CommentLines = ReadonlyMap<number, number>;

const setLines = StateEffect.define<CommentLines>();

const linesField = StateField.define<CommentLines>({
  create: () => new Map(),
  update: (value, tr) => {
    for (const e of tr.effects) if (e.is(setLines)) return e.value;
    return value;
  },
});

class ThreadMarker extends GutterMarker {
  constructor(readonly count: number, readonly line: number) {
    super();
  }
  override eq(other: ThreadMarker): boolean {
    return other.count === this.count && other.line === this.line;
  }
  override toDOM(): Node {
    const el = document.createElement('span');
    el.className = 'cm-comment-marker';
    // A count in a badge rather than an emoji: no font is needed for it to show.
    el.textContent = String(this.count);
    el.title = `${this.count} comment thread${this.count > 1 ? 's' : ''} on line ${this.line}`;
    el.setAttribute('data-testid', 'comment-marker');
    el.setAttribute('data-line', String(this.line));
    return el;
  }
}

/** Gives the gutter its width; no line's marker. */
class Spacer extends GutterMarker {
  override toDOM(): Node {
    const el = document.createElement('span');
    el.className = 'cm-comment-marker';
    el.textContent = '99';
    return el;
  }
}

class AddMarker extends GutterMarker {
  override toDOM(): Node {
    const el = document.createElement('span');
    el.className = 'cm-comment-add';
    el.textContent = '+';
    el.title = 'Comment on this line';
    return el;
  }
}
const ADD = new AddMarker();

/** `onLine`: a gutter click on 1-based `line` (a marker: show its threads; empty: start one). */
export function commentGutter(options: { onLine: (line: number) => void; canComment: boolean }) {
  return [
    linesField,
    gutter({
      class: 'cm-comment-gutter',
      markers: (view) => {
        const lines = view.state.field(linesField);
        const ranges = [...lines.entries()]
          .filter(([line]) => line >= 1 && line <= view.state.doc.lines)
          .sort(([a], [b]) => a - b)
          .map(([line, count]) => new ThreadMarker(count, line).range(view.state.doc.line(line).from));
        return RangeSet.of(ranges);
      },
      // The "+" shows (by CSS, on hover) on every line without threads, for those who may comment.
      lineMarker: (view, block) => {
        if (!options.canComment) return null;
        const line = view.state.doc.lineAt(block.from).number;
        return view.state.field(linesField).has(line) ? null : ADD;
      },
      lineMarkerChange: (update) => update.transactions.some((tr) => tr.effects.some((e) => e.is(setLines))),
      initialSpacer: () => new Spacer(),
      domEventHandlers: {
        mousedown(view, block) {
          const line = view.state.doc.lineAt(block.from).number;
          if (!options.canComment && !view.state.field(linesField).has(line)) return false;
          options.onLine(line);
          return true;
        },
      },
    }),
    EditorView.baseTheme({
      '.cm-comment-gutter .cm-gutterElement': { cursor: 'pointer', padding: '0 4px', minWidth: '2.2em', textAlign: 'center' },
      '.cm-comment-add': { visibility: 'hidden', color: '#2563eb', fontWeight: 'bold' },
      '.cm-comment-gutter .cm-gutterElement:hover .cm-comment-add': { visibility: 'visible' },
      '.cm-comment-marker': {
        display: 'inline-block',
        minWidth: '1.3em',
        padding: '0 3px',
        borderRadius: '8px 8px 8px 2px',
        background: '#f59e0b',
        color: '#fff',
        fontSize: '0.75em',
        fontWeight: 'bold',
        lineHeight: '1.4',
      },
    }),
  ];
}

/** Deferred to a microtask: the lines are worked out in a Yjs observer, which may run inside the
 * editor's own update (a local keystroke) or before the Yjs binding has applied a remote change to
 * the view, when dispatching is not allowed or the view's lines are not yet the text's. */
export function setCommentLines(view: EditorView, lines: CommentLines): void {
  queueMicrotask(() => {
    if (view.dom.isConnected) view.dispatch({ effects: setLines.of(lines) });
  });
}
