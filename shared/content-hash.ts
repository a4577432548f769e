/**
 * Content hash of a configuration (or any JSON value): lower-case hex SHA-256 of its canonical
 * JSON in UTF-8. Node only (server, builder): it is what builds and reviews are keyed by.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';

export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}
