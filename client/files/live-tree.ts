/**
 * The configuration's userpatches tree as a live signal for panels (Files, Kernel). A keystroke in
 * one file must not re-read the whole tree (200 files of 50 KB are 10 MB of text): edits inside
 * files refresh only those files' entries; files added, removed or renamed (events on the files
 * map itself) and mode changes re-read the listing and are announced to `onStructure`.
 */
import { createSignal, type Accessor } from 'solid-js';
import * as Y from 'yjs';
import { fileModesRoot, filesRoot, readTree, type TreeEntry } from '../../shared/files/file-tree.ts';

export interface LiveTree {
  tree: Accessor<TreeEntry[]>;
  destroy(): void;
}

export function createLiveTree(doc: Y.Doc, onStructure?: () => void): LiveTree {
  const [tree, setTree] = createSignal<TreeEntry[]>(readTree(doc));
  const reread = () => {
    setTree(readTree(doc));
    onStructure?.();
  };
  const onFiles = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>) => {
    const edited = new Set<string>();
    for (const event of events) {
      const [key] = event.path;
      if (event.target instanceof Y.Text && event.path.length === 1 && typeof key === 'string') edited.add(key);
      else return reread();
    }
    const files = filesRoot(doc);
    setTree(tree().map((entry) => (entry.kind === 'text' && edited.has(entry.path) ? { ...entry, text: String(files.get(entry.path) ?? '') } : entry)));
  };
  filesRoot(doc).observeDeep(onFiles);
  fileModesRoot(doc).observe(reread);
  return {
    tree,
    destroy() {
      filesRoot(doc).unobserveDeep(onFiles);
      fileModesRoot(doc).unobserve(reread);
    },
  };
}
