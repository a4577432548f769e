/**
 * How storage, the room bus and the rooms address a document: a configuration and one of its
 * declared documents (docs/architecture.md, "Document layout"). A key is only made here, from a
 * name looked up in the declared list (`CONFIG_DOCUMENTS`), so a name that reaches SQL, a Redis
 * channel or a log line was never free text.
 */
import { CONFIG_DOCUMENTS, DOC_NAME_PATTERN, documentNamed, MAIN_DOC_NAME, type DocumentDeclaration } from '../../shared/doc-layout.ts';

declare const declared: unique symbol;

export interface DocKey {
  readonly configId: string;
  /** A declared document's name (`DocumentDeclaration.name`). */
  readonly docName: string;
  /**
   * The key as one string, for maps, logs and the bus channel: the configuration id itself for
   * the main document (what every map, log line and channel said before a configuration had more
   * than one document, so a cluster upgraded one process at a time keeps working), and
   * `<configId>:<docName>` for the others (a UUID holds no `:`, so the two never clash).
   */
  readonly id: string;
  /** Only this module makes keys. */
  readonly [declared]: true;
}

function make(configId: string, docName: string): DocKey {
  const id = docName === MAIN_DOC_NAME ? configId : `${configId}:${docName}`;
  return { configId, docName, id } as DocKey;
}

/** The configuration's main document: what REST reads, freezes, versions, builds and history use. */
export function mainDoc(configId: string): DocKey {
  return make(configId, MAIN_DOC_NAME);
}

/** The key of `docName` of the configuration, or null when `documents` declares no such document
 * (a name from a URL is never trusted further than this). */
export function docKey(configId: string, docName: unknown, documents: readonly DocumentDeclaration[] = CONFIG_DOCUMENTS): DocKey | null {
  const found = documentNamed(docName, documents);
  // The pattern again: a declared list handed in by a caller is checked at startup, but a key is
  // what reaches SQL and Redis, so it holds here whatever the list.
  return found && DOC_NAME_PATTERN.test(found.name) ? make(configId, found.name) : null;
}

export function isMainDoc(key: DocKey): boolean {
  return key.docName === MAIN_DOC_NAME;
}
