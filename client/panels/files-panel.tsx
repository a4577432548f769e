/**
 * The Files panel: the configuration's userpatches tree (docs/architecture.md, "Document layout",
 * the files root). A tree of paths (folders are the prefixes of file paths), actions on the
 * selected file or folder, uploads (text → `Y.Text` in the document, anything else → a blob over
 * REST with progress), downloads, and a code editor bound to the selected text file.
 * Names are checked as typed with the same rules the server applies (`shared/files/file-path.ts`).
 */
import { createMemo, createSignal, For, onCleanup, onMount, Show, type JSX } from 'solid-js';
import * as Y from 'yjs';
import { filePathProblem, treeProblem } from '../../shared/files/file-path.ts';
import { EXECUTABLE_MODE, filesRoot, movePath, pathsUnder, putTextFile, removePath, setExecutable, type TreeEntry } from '../../shared/files/file-tree.ts';
import { createLiveTree } from '../files/live-tree.ts';
import type { AppContext } from '../app/app-context.ts';
import type { ConfigSession } from '../session/config-session.ts';
import type { CodeEditor } from '../files/code-editor.ts';
import { FileComments, prepareThreadMove, type FileCommentsHandle } from '../files/file-comments.tsx';
import type { ReviewCenter } from '../review/review-center.ts';
import { SessionGate } from './session-gate.tsx';
import { BoardFileStatus } from '../boards/board-file-status.tsx';

interface Row {
  path: string;
  name: string;
  depth: number;
  folder: boolean;
  entry?: TreeEntry;
}

/** Folders first at each level, then files, both by name. */
function rowsOf(tree: readonly TreeEntry[]): Row[] {
  const folders = new Set<string>();
  for (const e of tree) {
    const parts = e.path.split('/');
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
  }
  const all: Row[] = [
    ...[...folders].map((p) => ({ path: p, name: p.split('/').pop()!, depth: p.split('/').length - 1, folder: true })),
    ...tree.map((e) => ({ path: e.path, name: e.path.split('/').pop()!, depth: e.path.split('/').length - 1, folder: false, entry: e })),
  ];
  const key = (r: Row) => r.path.split('/').map((seg, i, arr) => `${i === arr.length - 1 && !r.folder ? '1' : '0'}${seg}`).join('/');
  return all.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Text when it decodes as UTF-8 and has no NUL byte (what an editor can show and save back). */
function asText(bytes: Uint8Array): string | null {
  if (bytes.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function Files(props: { ctx: AppContext; session: ConfigSession; center: ReviewCenter }): JSX.Element {
  const doc = props.session.doc;
  const [selected, setSelected] = createSignal<string | null>(null);
  const [message, setMessage] = createSignal<string | null>(null);
  const [uploads, setUploads] = createSignal<Array<{ path: string; fraction: number }>>([]);
  let editorHost!: HTMLDivElement;
  let editor: CodeEditor | null = null;
  const [liveEditor, setLiveEditor] = createSignal<CodeEditor | null>(null);
  const [cursorLine, setCursorLine] = createSignal(1);
  let fileComments: FileCommentsHandle | null = null;
  let editorPath: string | null = null;
  let fileInput!: HTMLInputElement;
  let folderInput!: HTMLInputElement;

  // Files added, removed or renamed: a selection that is gone is dropped, the editor follows.
  const live = createLiveTree(doc, () => {
    if (selected() && !tree().some((e) => e.path === selected() || e.path.startsWith(`${selected()}/`))) setSelected(null);
    syncEditor();
  });
  const tree = live.tree;
  onCleanup(() => {
    live.destroy();
    editor?.destroy();
  });

  /** Binds the editor to the selected text file (or nothing); rebinding only when the file changes. */
  function syncEditor(): void {
    const path = selected();
    const value = path === null ? undefined : filesRoot(doc).get(path);
    const wanted = value instanceof Y.Text ? path : null;
    if (wanted === editorPath) return;
    editor?.destroy();
    editor = null;
    setLiveEditor(null);
    editorPath = wanted;
    if (wanted === null || !(value instanceof Y.Text)) return;
    void import('../files/code-editor.ts').then(({ createCodeEditor }) => {
      if (editorPath !== wanted) return;
      editor = createCodeEditor({
        parent: editorHost,
        path: wanted,
        text: value,
        awareness: props.session.provider.awareness,
        editable: props.session.may('edit'),
        comments: { onLine: (line) => fileComments?.onLine(line), canComment: props.session.may('comment') },
        onCursorLine: setCursorLine,
      });
      setCursorLine(1);
      setLiveEditor(editor);
    });
  }

  const select = (path: string) => {
    setSelected(path);
    syncEditor();
  };

  const problemOf = (paths: string[]): string | undefined => {
    for (const p of paths) {
      const bad = filePathProblem(p);
      if (bad) return `${p}: ${bad}`;
    }
    return treeProblem([...tree().map((e) => e.path), ...paths]);
  };

  const folderOfSelection = (): string => {
    const s = selected();
    if (!s) return '';
    const isFolder = !tree().some((e) => e.path === s);
    return isFolder ? `${s}/` : s.includes('/') ? s.slice(0, s.lastIndexOf('/') + 1) : '';
  };

  function newFile(): void {
    const path = window.prompt('New file (path inside userpatches/, folders separated by /)', folderOfSelection());
    if (!path) return;
    const problem = problemOf([path]);
    if (problem) return void setMessage(problem);
    doc.transact(() => putTextFile(doc, path, ''));
    setMessage(null);
    select(path);
  }

  function rename(): void {
    const from = selected();
    if (!from) return;
    const to = window.prompt(`Rename or move ${from} to`, from);
    if (!to || to === from) return;
    const moving = pathsUnder(doc, from);
    const targets = moving.map((p) => to + p.slice(from.length));
    const rest = tree().map((e) => e.path).filter((p) => !moving.includes(p));
    const problem = targets.map((p) => filePathProblem(p)).find(Boolean) ?? treeProblem([...rest, ...targets]);
    if (problem) return void setMessage(problem);
    // Comment threads on the moving files' lines follow them (file-comments.tsx).
    const moveThreads = prepareThreadMove(props.center, doc, from, to);
    doc.transact(() => movePath(doc, from, to));
    setMessage(null);
    select(to);
    moveThreads().catch((error: unknown) => setMessage(error instanceof Error ? error.message : String(error)));
  }

  function remove(): void {
    const path = selected();
    if (!path) return;
    const count = pathsUnder(doc, path).length;
    if (!window.confirm(count > 1 ? `Delete the folder ${path} and its ${count} files?` : `Delete ${path}?`)) return;
    doc.transact(() => removePath(doc, path));
    setSelected(null);
    syncEditor();
  }

  function toggleExecutable(): void {
    const entry = tree().find((e) => e.path === selected());
    if (entry) doc.transact(() => setExecutable(doc, entry.path, entry.mode !== EXECUTABLE_MODE));
  }

  async function upload(files: FileList | null, keepFolders: boolean): Promise<void> {
    if (!files || files.length === 0) return;
    const base = folderOfSelection();
    const items = [...files].map((f) => ({ file: f, path: base + (keepFolders && f.webkitRelativePath ? f.webkitRelativePath : f.name) }));
    const problem = problemOf(items.map((i) => i.path));
    if (problem) return void setMessage(problem);
    setMessage(null);
    for (const { file, path } of items) {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const text = asText(bytes);
      if (text !== null) {
        doc.transact(() => putTextFile(doc, path, text));
        continue;
      }
      setUploads((u) => [...u, { path, fraction: 0 }]);
      try {
        await props.ctx.api.files.uploadBinary(props.session.configId, path, bytes, {
          onProgress: (fraction) => setUploads((u) => u.map((x) => (x.path === path ? { path, fraction } : x))),
        });
      } catch (error) {
        setMessage(`${path}: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        setUploads((u) => u.filter((x) => x.path !== path));
      }
    }
  }

  onMount(() => folderInput.setAttribute('webkitdirectory', ''));
  const selectedEntry = () => tree().find((e) => e.path === selected());
  /** The selected text file's path and text, for its comment threads. */
  const selectedText = createMemo(() => {
    tree();
    const path = selected();
    const value = path === null ? undefined : filesRoot(doc).get(path);
    return path !== null && value instanceof Y.Text ? { path, text: value } : null;
  }, null, { equals: (a, b) => a?.path === b?.path && a?.text === b?.text });
  const canEdit = () => props.session.may('edit');

  return (
    <div class="files">
      <div class="panel-toolbar files-toolbar" role="toolbar" aria-label="Files">
        <button type="button" class="button button--small" disabled={!canEdit()} onClick={newFile}>New file</button>
        <button type="button" class="button button--small" disabled={!canEdit()} onClick={() => fileInput.click()}>Upload files</button>
        <button type="button" class="button button--small" disabled={!canEdit()} onClick={() => folderInput.click()}>Upload folder</button>
        <button type="button" class="button button--small" disabled={!canEdit() || !selected()} onClick={rename}>Rename/move</button>
        <button type="button" class="button button--small" disabled={!canEdit() || !selected()} onClick={remove}>Delete</button>
        <a class="button button--small" href={props.ctx.api.files.tarballUrl(props.session.configId)} download="">Download all (.tar)</a>
        <input ref={fileInput} type="file" multiple hidden data-testid="files-upload" onChange={(e) => void upload(e.currentTarget.files, false).finally(() => (fileInput.value = ''))} />
        <input ref={folderInput} type="file" multiple hidden data-testid="files-upload-folder" onChange={(e) => void upload(e.currentTarget.files, true).finally(() => (folderInput.value = ''))} />
      </div>
      <Show when={message()}>
        <p class="files-message" role="alert">{message()}</p>
      </Show>
      <For each={uploads()}>
        {(u) => (
          <div class="files-upload">
            <span>Uploading {u.path}</span>
            <progress max="1" value={u.fraction} aria-label={`Uploading ${u.path}`} />
          </div>
        )}
      </For>
      <div class="files-body">
        <ul class="files-tree" role="tree" aria-label="userpatches">
          <Show when={tree().length === 0}>
            <li class="panel-empty">No files yet. Kernel patches, overlay files, board files and extensions go here, as they would in userpatches/.</li>
          </Show>
          <For each={rowsOf(tree())}>
            {(row) => (
              <li role="treeitem" aria-selected={selected() === row.path} classList={{ 'files-row': true, 'files-row--selected': selected() === row.path, 'files-row--folder': row.folder }} style={{ 'padding-left': `${0.5 + row.depth * 1}rem` }}>
                <button type="button" class="files-row__name" onClick={() => select(row.path)}>
                  {row.name}{row.folder ? '/' : ''}
                  <Show when={row.entry?.mode === EXECUTABLE_MODE}><span class="files-row__flag" title="executable"> ✱</span></Show>
                  <Show when={row.entry?.kind === 'blob'}><span class="files-row__flag"> ({row.entry?.kind === 'blob' ? row.entry.size : 0} B)</span></Show>
                </button>
              </li>
            )}
          </For>
        </ul>
        <div class="files-view">
          <Show when={selectedEntry()}>
            {(entry) => (
              <div class="files-view__bar">
                <code>{entry().path}</code>
                <label>
                  <input type="checkbox" checked={entry().mode === EXECUTABLE_MODE} disabled={!canEdit()} onChange={toggleExecutable} /> executable
                </label>
                <a class="button button--small" href={props.ctx.api.files.rawUrl(props.session.configId, entry().path)} download="">Download</a>
              </div>
            )}
          </Show>
          <Show when={selectedEntry()}>{(entry) => <BoardFileStatus session={props.session} path={entry().path} />}</Show>
          <Show when={selectedEntry()?.kind === 'blob'}>
            <p class="panel-empty">Binary file, {selectedEntry()?.kind === 'blob' ? (selectedEntry() as { size: number }).size : 0} bytes, sha256 {(selectedEntry() as { sha256?: string } | undefined)?.sha256?.slice(0, 16)}…</p>
          </Show>
          <div class="files-editor-row">
            <div class="files-editor" ref={editorHost} />
            <Show when={selectedText()} keyed>
              {(file) => (
                <FileComments
                  center={props.center}
                  doc={doc}
                  path={file.path}
                  text={file.text}
                  editor={liveEditor}
                  cursorLine={cursorLine}
                  canComment={props.session.may('comment')}
                  ref={(handle) => (fileComments = handle)}
                />
              )}
            </Show>
          </div>
        </div>
      </div>
    </div>
  );
}

export function FilesPanel(props: { ctx: AppContext }): JSX.Element {
  return (
    <div class="panel panel--files">
      <SessionGate ctx={props.ctx}>{(container) => <Files ctx={props.ctx} session={container.session} center={container.review} />}</SessionGate>
    </div>
  );
}
