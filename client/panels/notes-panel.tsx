/** The Notes panel: collaborative rich text with everyone's carets, and a small toolbar (one Tab
 * stop, arrow keys between its buttons: app/roving-toolbar.ts). */
import type { Editor } from '@tiptap/core';
import { createEffect, createSignal, For, on, onCleanup, onMount, Show, type JSX } from 'solid-js';
import type { AppContext } from '../app/app-context.ts';
import { onToolbarKey, settleRovingStop } from '../app/roving-toolbar.ts';
import type { ConfigSession } from '../session/config-session.ts';
import type { PanelProps } from '../workspace/panels.tsx';
import { SessionGate } from './session-gate.tsx';

interface ToolbarItem {
  label: string;
  title: string;
  active: (editor: Editor) => boolean;
  run: (editor: Editor) => void;
}

const TOOLBAR: ToolbarItem[] = [
  { label: 'B', title: 'Bold (Ctrl+B)', active: (e) => e.isActive('bold'), run: (e) => e.chain().focus().toggleBold().run() },
  { label: 'I', title: 'Italic (Ctrl+I)', active: (e) => e.isActive('italic'), run: (e) => e.chain().focus().toggleItalic().run() },
  { label: 'H', title: 'Heading', active: (e) => e.isActive('heading', { level: 3 }), run: (e) => e.chain().focus().toggleHeading({ level: 3 }).run() },
  { label: '•', title: 'Bulleted list', active: (e) => e.isActive('bulletList'), run: (e) => e.chain().focus().toggleBulletList().run() },
  { label: '1.', title: 'Numbered list', active: (e) => e.isActive('orderedList'), run: (e) => e.chain().focus().toggleOrderedList().run() },
  { label: '</>', title: 'Code block', active: (e) => e.isActive('codeBlock'), run: (e) => e.chain().focus().toggleCodeBlock().run() },
];

function Notes(props: { ctx: AppContext; session: ConfigSession }): JSX.Element {
  const [editor, setEditor] = createSignal<Editor | null>(null, { equals: false });
  const [failed, setFailed] = createSignal<string | null>(null);
  const [ready, setReady] = createSignal(false);
  let host!: HTMLDivElement;
  let toolbar!: HTMLDivElement;
  let disposed = false;
  const mayEdit = () => props.session.may('edit');

  onMount(() => {
    import('./notes-editor.ts').then(
      ({ createNotesEditor }) => {
        if (disposed) return;
        const instance = createNotesEditor({
          element: host,
          doc: props.session.doc,
          provider: props.session.provider,
          identity: props.ctx.identity,
          onChange: (e) => setEditor(e),
        });
        setEditor(instance);
        setReady(true);
      },
      (error: unknown) => setFailed(error instanceof Error ? error.message : String(error)),
    );
  });
  // Viewers and commenters may read the notes but not change them (the server drops such edits).
  createEffect(
    on([ready, mayEdit], ([isReady, canEdit]) => {
      const instance = editor();
      if (isReady && instance && instance.isEditable !== canEdit) instance.setEditable(canEdit, false);
    }),
  );
  onCleanup(() => {
    disposed = true;
    editor()?.destroy();
  });
  // Buttons enable and disable with the editor and your role: keep one of them the Tab stop.
  createEffect(on([editor, mayEdit], () => settleRovingStop(toolbar)));

  return (
    <>
      <div class="panel-toolbar notes-toolbar" role="toolbar" aria-label="Formatting" ref={toolbar} onKeyDown={(event) => onToolbarKey(event, toolbar)}>
        <For each={TOOLBAR}>
          {(item) => (
            <button
              type="button"
              class="button button--small button--tool"
              classList={{ 'button--active': editor() !== null && item.active(editor()!) }}
              title={item.title}
              aria-pressed={editor() !== null && item.active(editor()!)}
              tabIndex={-1}
              disabled={editor() === null || !mayEdit()}
              onClick={() => editor() && item.run(editor()!)}
            >
              {/* The name is the title (no aria-label): the glyph is its picture, and a name that
                  does not contain the visible “1.” confuses voice control. */}
              <span aria-hidden="true">{item.label}</span>
            </button>
          )}
        </For>
      </div>
      <Show when={failed()}>
        <p class="panel-empty panel-empty--error">The notes editor did not load: {failed()}</p>
      </Show>
      <div class="notes-host" ref={host} />
    </>
  );
}

export function NotesPanel(props: PanelProps): JSX.Element {
  return (
    <div class="panel panel--notes">
      <SessionGate ctx={props.ctx}>
        {(container) => <Notes ctx={props.ctx} session={container.session} />}
      </SessionGate>
    </div>
  );
}
