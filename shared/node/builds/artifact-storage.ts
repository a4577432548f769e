/**
 * Where artifact bytes live. The builder `put`s, the download route `get`s, the cleanup job
 * `delete`s; the database row (`build_artifacts`) holds the returned key, size and checksum.
 */
import type { Readable } from 'node:stream';

export interface StoredObject {
  /** Opaque to callers; pass it back to `get`/`delete`. */
  key: string;
  size: number;
  /** Hex sha256 of the bytes as stored (computed while writing, not trusted from the source). */
  sha256: string;
}

export interface ArtifactStorage {
  /** Stores a file (path) or a stream under the build; replaces an object of the same name.
   * `tenant` (an organisation id or ARTIFACT_PERSONAL_TENANT) puts it under the tenant's own
   * prefix, `<tenant>/<buildId>/<name>`; without it, `<buildId>/<name>` (artifacts stored before
   * tenants existed keep their keys: the key is stored with the artifact row). */
  put(buildId: string, name: string, source: string | Readable, tenant?: string): Promise<StoredObject>;
  /** The stored bytes; rejects with code 'ENOENT' when the object is gone. */
  get(key: string): Promise<Readable>;
  /** Removes the object; a missing object is not an error. */
  delete(key: string): Promise<void>;
}

/** The artifact prefix of personal configurations' builds. */
export const ARTIFACT_PERSONAL_TENANT = 'personal';

/** The artifact prefix of a build whose configuration belongs to `orgId` (null: personal). */
export const artifactTenantOf = (orgId: string | null | undefined): string => orgId ?? ARTIFACT_PERSONAL_TENANT;

export class ArtifactStorageError extends Error {
  readonly code: 'invalid_key' | 'invalid_name' | 'ENOENT';
  constructor(code: ArtifactStorageError['code'], message: string) {
    super(message);
    this.name = 'ArtifactStorageError';
    this.code = code;
  }
}
