/**
 * The code editor of one text file of the userpatches tree: CodeMirror 6 bound to the file's
 * `Y.Text` by y-codemirror.next (remote carets from awareness, undo of your own changes only),
 * with line numbers, search and a highlighting mode chosen from the file name. Loaded on demand.
 */
import { basicSetup } from 'codemirror';
import { StreamLanguage, type StreamParser } from '@codemirror/language';
import { diff } from '@codemirror/legacy-modes/mode/diff';
import { shell } from '@codemirror/legacy-modes/mode/shell';
import { EditorState, type Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { yCollab } from 'y-codemirror.next';
import { commentGutter, setCommentLines, type CommentLines } from './comment-gutter.ts';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';

/** Kernel config fragments and Kconfig: comments, `CONFIG_X=` keys, values. */
const kconfig: StreamParser<unknown> = {
  name: 'kconfig',
  token(stream) {
    if (stream.sol() && stream.match(/^\s*#/)) {
      stream.skipToEnd();
      return 'comment';
    }
    if (stream.sol() && stream.match(/^CONFIG_[A-Za-z0-9_]+/)) return 'variableName';
    if (stream.match(/^=/)) return 'operator';
    if (stream.match(/^"(?:[^"\\]|\\.)*"/)) return 'string';
    if (stream.match(/^(y|n|m)\b/)) return 'atom';
    if (stream.match(/^-?(0x[0-9a-fA-F]+|\d+)/)) return 'number';
    if (stream.match(/^\b(config|menuconfig|choice|endchoice|menu|endmenu|if|endif|source|depends|select|imply|default|bool|tristate|string|hex|int|help|prompt)\b/)) return 'keyword';
    stream.next();
    return null;
  },
};

/** The highlighting for a file name (null: plain text). */
export function languageFor(path: string): 'shell' | 'diff' | 'kconfig' | null {
  const name = path.split('/').pop() ?? '';
  if (/\.(patch|diff)$/.test(name)) return 'diff';
  if (/\.config$|^Kconfig|defconfig$/.test(name)) return 'kconfig';
  if (/\.(sh|bash|conf|csc|wip|tvb|eos|cmd)$/.test(name) || name === 'lib.config') return 'shell';
  return null;
}

function languageExtension(path: string): Extension {
  const kind = languageFor(path);
  if (kind === 'shell') return StreamLanguage.define(shell);
  if (kind === 'diff') return StreamLanguage.define(diff);
  if (kind === 'kconfig') return StreamLanguage.define(kconfig);
  return [];
}

export interface CodeEditor {
  /** The lines with open comment threads (the gutter's markers). */
  setCommentLines(lines: CommentLines): void;
  /** The line (1-based) the cursor is on. */
  cursorLine(): number;
  /** Scrolls `line` into view and puts the cursor at its start. */
  showLine(line: number): void;
  destroy(): void;
}

export function createCodeEditor(options: {
  parent: HTMLElement;
  path: string;
  text: Y.Text;
  awareness: Awareness;
  editable: boolean;
  /** Comment gutter: a click on a line's gutter (commenters and up may start a thread there). */
  comments?: { onLine: (line: number) => void; canComment: boolean };
  /** Told the cursor's line (1-based) whenever it changes. */
  onCursorLine?: (line: number) => void;
}): CodeEditor {
  const undoManager = new Y.UndoManager(options.text);
  const view = new EditorView({
    parent: options.parent,
    state: EditorState.create({
      doc: options.text.toString(),
      extensions: [
        options.comments ? commentGutter(options.comments) : [],
        basicSetup,
        languageExtension(options.path),
        yCollab(options.text, options.awareness, { undoManager }),
        EditorView.editable.of(options.editable),
        EditorView.updateListener.of((update) => {
          if (options.onCursorLine && (update.selectionSet || update.docChanged)) options.onCursorLine(update.state.doc.lineAt(update.state.selection.main.head).number);
        }),
        EditorState.readOnly.of(!options.editable),
        EditorView.contentAttributes.of({ 'aria-label': `Contents of ${options.path}`, 'data-testid': 'file-editor' }),
      ],
    }),
  });
  return {
    setCommentLines: (lines) => setCommentLines(view, lines),
    cursorLine: () => view.state.doc.lineAt(view.state.selection.main.head).number,
    showLine(line) {
      const target = view.state.doc.line(Math.min(Math.max(1, line), view.state.doc.lines));
      view.dispatch({ selection: { anchor: target.from }, effects: EditorView.scrollIntoView(target.from, { y: 'center' }) });
    },
    destroy() {
      view.destroy();
      undoManager.destroy();
    },
  };
}
