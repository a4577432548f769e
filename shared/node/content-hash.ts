/**
 * Content hash of a configuration (or any JSON value): lower-case hex SHA-256 of its canonical
 * JSON in UTF-8. Node only (server, builder): it is what builds and reviews are keyed by.
 */
import { createHash } from 'node:crypto';
import type * as Y from 'yjs';
import { canonicalJson } from '../canonical-json.ts';
import { buildInputOf, DOC_LAYOUT, type RootDeclaration } from '../doc-layout.ts';

export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}

/** The content hash of a document: over every build-input root of the layout (`buildInputOf`),
 * which for the current layout is the configuration's JSON, exactly as before roots were declared. */
export function documentContentHash(doc: Y.Doc, layout: readonly RootDeclaration[] = DOC_LAYOUT): string {
  return contentHash(buildInputOf(doc, layout));
}
