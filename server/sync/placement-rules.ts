/**
 * What the document layout lets each kind of type hold (server/sync/update-placement.ts decides
 * where a client's structs land and checks them against these rules):
 *
 * - a map root (the configuration) holds only keyed entries (a `getText(<its name>)` insert is
 *   sequence content of the map that no `toJSON` and so no schema check ever sees);
 * - nested Y.Map entries and Y.Array items hold JSON values or Y.Map/Y.Array/Y.Text, Y.Text holds
 *   characters only (formats, embeds, types and map entries on it are invisible in its string);
 * - an XML fragment root (the notes) holds Y.XmlElement/Y.XmlText (no keyed entries), elements may
 *   carry JSON attributes, Y.XmlText holds characters and formatting marks (what y-prosemirror and
 *   Tiptap write);
 * - the files root holds, under valid paths only (`shared/files/file-path.ts`), a Y.Text or a blob
 *   reference; the file modes root holds, under valid paths, the executable mode;
 * - nothing else: no XML types in the configuration, no binary, sub-documents or legacy JSON.
 */
import * as Y from 'yjs';
import { DOC_LAYOUT, type RootDeclaration, type RootKind } from '../../shared/doc-layout.ts';
import { filePathProblem } from '../../shared/files/file-path.ts';
import { blobRefProblem, modeProblem } from '../../shared/files/file-tree.ts';

/** What kind of type a struct's parent is. */
export type ParentKind = 'mapRoot' | 'fragmentRoot' | 'filesRoot' | 'modesRoot' | 'map' | 'array' | 'text' | 'xmlElement' | 'xmlText' | 'unsupported';
/** What a struct holds. */
export type ContentKind = 'deleted' | 'json' | 'string' | 'format' | 'embed' | 'binary' | 'legacyJson' | 'subdoc' | 'map' | 'array' | 'text' | 'xmlElement' | 'xmlText' | 'unsupported';

export type Placement =
  /** `root`: the root's name when the parent is a root (for the refusal's words); `under`: the
   * name of the root the struct lands under, however deep (what the update touches). */
  | { parent: ParentKind; key: string | null; root?: string; under: string }
  /** The parent is gone (garbage collected or deleted): Yjs discards the content on arrival. */
  | { gone: true }
  | { refused: string };

const NESTED_CONFIG_VALUES: readonly ContentKind[] = ['json', 'map', 'array', 'text'];
const NOTES_CHILDREN: readonly ContentKind[] = ['xmlElement', 'xmlText'];

/** What each kind of parent may hold, as sequence content (`list`) and as keyed entries (`keyed`). */
export const PLACES: Record<ParentKind, { list: readonly ContentKind[]; keyed: readonly ContentKind[] }> = {
  mapRoot: { list: [], keyed: NESTED_CONFIG_VALUES },
  map: { list: [], keyed: NESTED_CONFIG_VALUES },
  array: { list: NESTED_CONFIG_VALUES, keyed: [] },
  text: { list: ['string'], keyed: [] },
  fragmentRoot: { list: NOTES_CHILDREN, keyed: [] },
  filesRoot: { list: [], keyed: ['text', 'json'] },
  modesRoot: { list: [], keyed: ['json'] },
  xmlElement: { list: NOTES_CHILDREN, keyed: ['json'] },
  xmlText: { list: ['string', 'format'], keyed: [] },
  unsupported: { list: [], keyed: [] },
};

const PARENT_WORDS: Record<ParentKind, string> = {
  mapRoot: 'a root map',
  fragmentRoot: 'a root XML fragment',
  filesRoot: 'the files root',
  modesRoot: 'the file modes root',
  map: 'a map',
  array: 'a list',
  text: 'a text',
  xmlElement: 'a notes element',
  xmlText: 'a notes text',
  unsupported: 'an unsupported type',
};

/** A key no map entry, attribute or format may have (update-placement.ts, `refusal`). */
export const FORBIDDEN_KEY = '__proto__';

/** The placement rules of each kind of root. */
const ROOT_PLACES: Record<RootKind, ParentKind> = { map: 'mapRoot', xmlFragment: 'fragmentRoot' };

/** How a refusal names a root. */
const ROOT_WORDS: Record<RootKind, string> = { map: 'a map', xmlFragment: 'an XML fragment' };

/** A document's roots by name (docs/architecture.md, "Document layout"): what the resolver checks
 * placements against. A room makes its own once, from its document's layout. */
export type RootsByName = ReadonlyMap<string, RootDeclaration>;

export function rootsByName(layout: readonly RootDeclaration[]): RootsByName {
  return new Map(layout.map((r) => [r.name, r]));
}

/** The main document's roots. */
export const ROOTS: RootsByName = rootsByName(DOC_LAYOUT);

/** The placement rules of a root: its kind's, or the userpatches tree's for the roots it checks. */
function rootParentKind(root: RootDeclaration): ParentKind {
  if (root.checks === 'filePaths') return 'filesRoot';
  if (root.checks === 'fileModes') return 'modesRoot';
  return ROOT_PLACES[root.kind];
}

export function rootPlacement(root: RootDeclaration, key: string | null): Placement {
  return { parent: rootParentKind(root), key, root: root.name, under: root.name };
}

/** What a keyed entry of the files or file modes root must be beyond its content kind. */
export function treeEntryRefusal(parent: ParentKind, key: string, item: Y.Item): string | undefined {
  const pathProblem = filePathProblem(key);
  if (pathProblem) return `update puts a file at "${key.slice(0, 80)}": ${pathProblem}`;
  if (!(item.content instanceof Y.ContentAny)) return undefined;
  const value = item.content.getContent()[0];
  const problem = parent === 'filesRoot' ? blobRefProblem(value) : modeProblem(value);
  return problem ? `update puts a bad entry at "${key}": ${problem}` : undefined;
}

export function parentWords(placement: { parent: ParentKind; root?: string }, roots: RootsByName): string {
  const root = placement.root === undefined ? undefined : roots.get(placement.root);
  return root ? `the "${root.name}" root (${ROOT_WORDS[root.kind]})` : PARENT_WORDS[placement.parent];
}

export function typeKind(type: Y.AbstractType<unknown>): ParentKind {
  // Subclasses first: Y.XmlText is a Y.Text and Y.XmlHook a Y.Map.
  if (type instanceof Y.XmlText) return 'xmlText';
  if (type instanceof Y.Text) return 'text';
  if (type instanceof Y.XmlElement) return 'xmlElement';
  if (type instanceof Y.XmlHook) return 'unsupported';
  if (type instanceof Y.Map) return 'map';
  if (type instanceof Y.Array) return 'array';
  return 'unsupported';
}

/** A value JSON can carry unchanged (ContentAny also encodes bigint, binary and non-finite numbers). */
function isJsonValue(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || v === undefined || typeof v === 'string' || typeof v === 'boolean') continue;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return false;
      continue;
    }
    if (Array.isArray(v)) stack.push(...v);
    else if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) stack.push(...Object.values(v));
    else return false;
  }
  return true;
}

export function contentKind(content: Y.Item['content']): ContentKind {
  if (content instanceof Y.ContentDeleted) return 'deleted';
  if (content instanceof Y.ContentAny) return content.getContent().every(isJsonValue) ? 'json' : 'unsupported';
  if (content instanceof Y.ContentString) return 'string';
  if (content instanceof Y.ContentFormat) return 'format';
  if (content instanceof Y.ContentEmbed) return 'embed';
  if (content instanceof Y.ContentBinary) return 'binary';
  if (content instanceof Y.ContentJSON) return 'legacyJson';
  if (content instanceof Y.ContentDoc) return 'subdoc';
  if (content instanceof Y.ContentType) {
    const kind = typeKind(content.type);
    return kind === 'mapRoot' || kind === 'fragmentRoot' || kind === 'filesRoot' || kind === 'modesRoot' ? 'unsupported' : kind;
  }
  return 'unsupported';
}

export const CONTENT_WORDS: Record<ContentKind, string> = {
  deleted: 'deleted content',
  json: 'a value',
  string: 'text',
  format: 'formatting',
  embed: 'an embed',
  binary: 'binary data',
  legacyJson: 'legacy JSON content',
  subdoc: 'a sub-document',
  map: 'a map',
  array: 'a list',
  text: 'a text',
  xmlElement: 'an XML element',
  xmlText: 'an XML text',
  unsupported: 'unsupported content',
};
