/**
 * The document layout, declared once (docs/architecture.md, "Document layout"): which roots a
 * configuration's Y.Doc has and, for each, what kind of Yjs type it is, who may write it, which
 * server checks guard it, how the change log captures it, how history, diffs and restores address
 * it, and whether it reaches the build. Everything that touches a root reads it from here: the
 * update check (`server/sync/update-placement.ts`), the room, the binding (`doc-binding.ts`),
 * change capture, the notes text, history paths, the content hash (`content-hash.ts`) and the
 * notes editor. Nobody else spells a root name.
 *
 * Root names are stored in every document: never rename one. Adding a root is adding a line to
 * `DOC_LAYOUT` (plus, for a kind the update check does not know yet, its placement rules).
 * Runs in the browser and on the server.
 */
import * as Y from 'yjs';
import type { Action } from './roles.ts';

/** The Yjs type of a root: `doc.getMap(name)` or `doc.getXmlFragment(name)`. */
export type RootKind = 'map' | 'xmlFragment';

/**
 * How the change log records a root (`server/history/change-capture.ts`):
 * - `fields`: one entry per top-level key (the configuration's fields), text keys as edits;
 * - `text`: the whole root read as plain text, recorded as edits under the root's `path`;
 * - `none`: not recorded.
 */
export type CaptureStrategy = 'fields' | 'text' | 'none';

/**
 * Which server checks guard a root beyond the update check's placement rules:
 * - `schema`: the configuration schema: shape repair in the same commit (`doc-repair.ts`) and
 *   rule validation reported to clients (`server/schema-authority/schema-authority.ts`);
 * - `filePaths`: the userpatches tree (`shared/files/`): every key a valid path
 *   (`filePathProblem`), every value a `Y.Text` or a blob reference, and the whole tree writable
 *   to a disk (`treeProblem`), all decided by the update check before anything is applied;
 * - `fileModes`: keys valid paths, values the executable mode;
 * - `none`: placement rules only (the notes: any Tiptap content is fine).
 */
export type RootChecks = 'schema' | 'filePaths' | 'fileModes' | 'none';

export interface RootDeclaration {
  /** The root's name in `doc.share` (stored in every document: never rename). */
  readonly name: string;
  readonly kind: RootKind;
  /** The action (`shared/roles.ts`) a person needs to change anything under this root. */
  readonly write: Action;
  readonly checks: RootChecks;
  readonly capture: CaptureStrategy;
  /**
   * Whether the root reaches the build: build-input roots are what the content hash covers, so
   * what a review approves is exactly what gets built.
   */
  readonly buildInput: boolean;
  /**
   * How history, diffs and restores address the root: `''` for the configuration, whose fields are
   * JSON Pointers below it (`/BOARD`), else a name starting with `#` (never a JSON Pointer), also
   * the root's key in the content hash's input.
   */
  readonly path: string;
}

/** The configuration: what the form edits and what gets built. */
export const CONFIG_ROOT = {
  name: 'config',
  kind: 'map',
  write: 'edit',
  checks: 'schema',
  capture: 'fields',
  buildInput: true,
  path: '',
} as const satisfies RootDeclaration;

/** The rich-text notes (Tiptap): for people only, they never reach the build. */
export const NOTES_ROOT = {
  name: 'notes',
  kind: 'xmlFragment',
  write: 'edit',
  checks: 'none',
  capture: 'text',
  buildInput: false,
  path: '#notes',
} as const satisfies RootDeclaration;

/**
 * The userpatches tree's files (`shared/files/file-tree.ts`): path → `Y.Text` (a text file) or
 * `{ sha256, size }` (a binary file whose bytes are a server-side blob). Build input: the plan
 * writes it into the build's userpatches/.
 */
export const FILES_ROOT = {
  name: 'files',
  kind: 'map',
  write: 'edit',
  checks: 'filePaths',
  capture: 'none',
  buildInput: true,
  path: '#files',
} as const satisfies RootDeclaration;

/** Which files of the tree are executable: path → 0o755. Build input (the mode is written). */
export const FILE_MODES_ROOT = {
  name: 'fileModes',
  kind: 'map',
  write: 'edit',
  checks: 'fileModes',
  capture: 'none',
  buildInput: true,
  path: '#file-modes',
} as const satisfies RootDeclaration;

export const DOC_LAYOUT: readonly RootDeclaration[] = [CONFIG_ROOT, NOTES_ROOT, FILES_ROOT, FILE_MODES_ROOT];

/**
 * A document of a configuration (docs/architecture.md, "Document layout"): a configuration holds
 * one Y.Doc per declared document, each with its own roots, stored, synced and published on the
 * bus apart from the others. `main` is the configuration's document of old (its roots are
 * `DOC_LAYOUT`): REST reads, freezes, versions, builds and history all mean it.
 */
export interface DocumentDeclaration {
  /** Stored in every row of the document's log and snapshot and in its sync URL and bus channel:
   * never rename one. Lower-case letters, digits and `-` (`DOC_NAME_PATTERN`). */
  readonly name: string;
  readonly roots: readonly RootDeclaration[];
}

/** The name of the configuration's main document. */
export const MAIN_DOC_NAME = 'main';

/** What a document name looks like. Names come from `CONFIG_DOCUMENTS` only, never from a
 * request: a name asked for in a URL is looked up in that list, and this pattern is a second
 * fence for what reaches SQL, Redis channel names and paths. */
export const DOC_NAME_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

export const MAIN_DOCUMENT = { name: MAIN_DOC_NAME, roots: DOC_LAYOUT } as const satisfies DocumentDeclaration;

/** Every document a configuration may hold. Adding one is adding a line here (its roots declared
 * like `DOC_LAYOUT`'s); the files feature (issue #17) will add the second. */
export const CONFIG_DOCUMENTS: readonly DocumentDeclaration[] = [MAIN_DOCUMENT];

/** Why a list of documents is inconsistent, or undefined. Checked for `CONFIG_DOCUMENTS` when this
 * module loads, and for any list a server is given. */
export function documentsProblem(documents: readonly DocumentDeclaration[]): string | undefined {
  if (documents[0]?.name !== MAIN_DOC_NAME) return `the first document must be "${MAIN_DOC_NAME}"`;
  const names = new Set<string>();
  for (const d of documents) {
    if (!DOC_NAME_PATTERN.test(d.name)) return `document name "${d.name.slice(0, 40)}" is not lower-case letters, digits and -`;
    if (names.has(d.name)) return `document "${d.name}" is declared twice`;
    names.add(d.name);
    const problem = layoutProblem(d.roots);
    if (problem) return `document "${d.name}": ${problem}`;
  }
  return undefined;
}

/** The declared document named `name`, or undefined (an undeclared name, or not a string). */
export function documentNamed(name: unknown, documents: readonly DocumentDeclaration[] = CONFIG_DOCUMENTS): DocumentDeclaration | undefined {
  return typeof name === 'string' ? documents.find((d) => d.name === name) : undefined;
}

/** The path the userpatches tree has wherever it is addressed (diff, restore: `#files/<path>`). */
export const FILES_PATH = FILES_ROOT.path;

/** The path the notes have wherever fields are addressed (history, diff, restore). */
export const NOTES_PATH = NOTES_ROOT.path;

/** Why a layout is inconsistent, or undefined. Checked for `DOC_LAYOUT` when this module loads. */
export function layoutProblem(layout: readonly RootDeclaration[]): string | undefined {
  const names = new Set<string>();
  const paths = new Set<string>();
  for (const root of layout) {
    if (names.has(root.name)) return `root "${root.name}" is declared twice`;
    if (paths.has(root.path)) return `two roots have the path "${root.path}"`;
    names.add(root.name);
    paths.add(root.path);
    if (root.path === '' ? root.kind !== 'map' : !/^#[a-z][a-z0-9-]*$/.test(root.path)) {
      return `root "${root.name}": the path "" is for the configuration map; others are "#name"`;
    }
    if (root.capture === 'fields' && root.kind !== 'map') return `root "${root.name}": only a map has fields`;
    if (root.capture === 'text' && root.kind !== 'xmlFragment') return `root "${root.name}": only an XML fragment is captured as text`;
  }
  return undefined;
}

/**
 * The actions an update needs: each root it writes or deletes under (the update check reports
 * them, `server/sync/update-check.ts`) needs that root's own `write` action. A name the layout
 * does not declare never gets here (the update check refuses it).
 */
export function writeActionsFor(roots: Iterable<string>, layout: readonly RootDeclaration[] = DOC_LAYOUT): Set<Action> {
  const actions = new Set<Action>();
  for (const name of roots) {
    const root = layout.find((r) => r.name === name);
    if (root) actions.add(root.write);
  }
  return actions;
}

/** The actions that write some root: holding none of them, a connection is read-only. */
export function writeActions(layout: readonly RootDeclaration[] = DOC_LAYOUT): Set<Action> {
  return new Set(layout.map((r) => r.write));
}

const problem = layoutProblem(DOC_LAYOUT) ?? documentsProblem(CONFIG_DOCUMENTS);
if (problem) throw new Error(`document layout: ${problem}`);

/** The declared root named `name`, or undefined (a root the layout does not have). */
export function rootNamed(name: string, layout: readonly RootDeclaration[] = DOC_LAYOUT): RootDeclaration | undefined {
  return layout.find((r) => r.name === name);
}

/** The declared root addressed as `path` in history, diffs and restores (`#notes`), or undefined. */
export function rootNamedByPath(path: string, layout: readonly RootDeclaration[] = DOC_LAYOUT): RootDeclaration | undefined {
  return path === '' ? undefined : layout.find((r) => r.path === path);
}

/** Whether `path` addresses a whole non-configuration root (`#notes`). */
export function isRootPath(path: string, layout: readonly RootDeclaration[] = DOC_LAYOUT): boolean {
  return path !== '' && layout.some((r) => r.path === path);
}

/** The root type of `doc` for a declaration (creating it as its declared kind when new). */
export function rootOf(doc: Y.Doc, root: RootDeclaration): Y.Map<unknown> | Y.XmlFragment {
  return root.kind === 'map' ? doc.getMap(root.name) : doc.getXmlFragment(root.name);
}

/** Fixes every declared root's type up front, so a client update cannot decide what they are. */
export function declareRoots(doc: Y.Doc, layout: readonly RootDeclaration[] = DOC_LAYOUT): void {
  for (const root of layout) rootOf(doc, root);
}

/** The configuration map (`doc-binding.ts` reads and writes it). */
export function configRoot(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(CONFIG_ROOT.name);
}

/** The notes' XML fragment (Tiptap's document; `notes-text.ts` reads it as plain text). */
export function notesRoot(doc: Y.Doc): Y.XmlFragment {
  return doc.getXmlFragment(NOTES_ROOT.name);
}

/** A root's content as JSON: a map's entries, a fragment's XML string. */
function rootJson(doc: Y.Doc, root: RootDeclaration): unknown {
  return rootOf(doc, root).toJSON();
}

function isEmpty(value: unknown): boolean {
  return value === '' || (typeof value === 'object' && value !== null && Object.keys(value).length === 0);
}

/**
 * What the content hash is computed over: every build-input root. The configuration (path `''`)
 * is the object itself, as it always was, so existing documents keep their hashes; any other
 * build-input root adds its JSON under its path (`#files`), and only when it holds something, so a
 * document that never used a newer root keeps its hash, and its approvals, too. A `#` key cannot
 * clash with a configuration field: the schema has no such property and the shape repair removes
 * unknown keys in the same commit.
 */
export function buildInputOf(doc: Y.Doc, layout: readonly RootDeclaration[] = DOC_LAYOUT): Record<string, unknown> {
  const config = layout.find((r) => r.buildInput && r.path === '');
  const out = (config ? rootJson(doc, config) : {}) as Record<string, unknown>;
  for (const root of layout) {
    if (!root.buildInput || root === config) continue;
    const value = rootJson(doc, root);
    if (!isEmpty(value)) out[root.path] = value;
  }
  return out;
}
