/**
 * The Tiptap editor of the notes, on the notes root (`shared/doc-layout.ts`), with collaboration carets.
 * Tiptap's own undo is off: the collaboration extension's undo (Yjs UndoManager) undoes only your
 * own changes, never someone else's. Loaded on demand: Tiptap is the largest part of the bundle.
 */
import { Editor } from '@tiptap/core';
import { readableColor } from '../session/readable-color.ts';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import StarterKit from '@tiptap/starter-kit';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { notesRoot } from '../../shared/doc-layout.ts';
import type { Identity } from '../app/identity.ts';

function renderCaret(user: Record<string, unknown>): HTMLElement {
  const caret = document.createElement('span');
  caret.classList.add('collaboration-carets__caret');
  caret.style.borderColor = String(user.color ?? '#6b7280');
  const label = document.createElement('div');
  label.classList.add('collaboration-carets__label');
  label.style.backgroundColor = readableColor(String(user.color ?? '#6b7280'));
  label.textContent = String(user.name ?? 'Someone');
  caret.append(label);
  return caret;
}

export function createNotesEditor(options: {
  element: HTMLElement;
  doc: Y.Doc;
  provider: { awareness: Awareness };
  identity: Identity;
  /** Every transaction (content or selection): toolbar states follow it. */
  onChange(editor: Editor): void;
}): Editor {
  return new Editor({
    element: options.element,
    extensions: [
      StarterKit.configure({ undoRedo: false }),
      Collaboration.configure({ fragment: notesRoot(options.doc) }),
      CollaborationCaret.configure({
        provider: options.provider,
        user: { name: options.identity.name, color: options.identity.color },
        render: renderCaret,
      }),
    ],
    editorProps: {
      attributes: { class: 'notes-editor', 'aria-label': 'Notes', 'aria-multiline': 'true', role: 'textbox', 'data-testid': 'notes-editor' },
    },
    onTransaction: ({ editor }) => options.onChange(editor),
  });
}
