/**
 * An S3-compatible bucket for binary files' bytes (`OBJECT_STORE_URL`, docs/operations.md "Object
 * storage"): put, get and delete of one object by key, signed with AWS Signature V4 by `aws4fetch`
 * (no hand-written signing). Path-style addresses (`<url>/<bucket>/<key>`), which every
 * S3-compatible server answers (MinIO, Ceph, Garage, R2, AWS itself). Used by the server's blob
 * store and by builders reading a build's blobs.
 */
import { AwsClient } from 'aws4fetch';

export interface ObjectStoreSettings {
  /** Endpoint, e.g. https://s3.eu-central-1.amazonaws.com or http://minio:9000. */
  url: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface ObjectStore {
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** Null when there is no such object. */
  get(key: string): Promise<Uint8Array | null>;
  /** Deleting a missing object is not an error (S3 answers 204 either way). */
  delete(key: string): Promise<void>;
}

/** One request to the store; a stuck endpoint fails the upload or read instead of hanging it. */
export const OBJECT_STORE_TIMEOUT_MS = 30_000;
/** S3's region when the operator names none; S3-compatible servers mostly ignore it. */
export const DEFAULT_OBJECT_STORE_REGION = 'us-east-1';
/** Bucket names as S3 allows them (3–63 lower-case letters, digits, dots, hyphens). */
const BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export class ObjectStoreError extends Error {
  readonly code = 'object_store_failed';
}

export class ObjectStoreSettingsError extends Error {
  readonly code = 'invalid_setting';
}

/** The raw settings as the entry files read them from the environment. */
export interface ObjectStoreEnv {
  url?: string;
  bucket?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

/**
 * Null when `OBJECT_STORE_URL` is unset (bytes stay in Postgres). A URL without a bucket or
 * credentials stops the start-up naming the missing variable, rather than failing the first upload.
 */
export function readObjectStoreSettings(raw: ObjectStoreEnv): ObjectStoreSettings | null {
  const url = raw.url?.trim();
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ObjectStoreSettingsError(`OBJECT_STORE_URL must be an http(s) URL, got "${url}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ObjectStoreSettingsError(`OBJECT_STORE_URL must be an http(s) URL, got "${url}"`);
  if (parsed.username || parsed.password) throw new ObjectStoreSettingsError('OBJECT_STORE_URL must not hold credentials: use OBJECT_STORE_ACCESS_KEY_ID and OBJECT_STORE_SECRET_ACCESS_KEY');
  const bucket = raw.bucket?.trim() ?? '';
  if (!BUCKET_RE.test(bucket)) throw new ObjectStoreSettingsError(`OBJECT_STORE_BUCKET must be a bucket name (3–63 of a-z 0-9 . -), got "${bucket}"`);
  const accessKeyId = raw.accessKeyId?.trim() ?? '';
  const secretAccessKey = raw.secretAccessKey?.trim() ?? '';
  if (!accessKeyId || !secretAccessKey) throw new ObjectStoreSettingsError('OBJECT_STORE_URL needs OBJECT_STORE_ACCESS_KEY_ID and OBJECT_STORE_SECRET_ACCESS_KEY');
  return { url: url.replace(/\/+$/, ''), bucket, region: raw.region?.trim() || DEFAULT_OBJECT_STORE_REGION, accessKeyId, secretAccessKey };
}

export function createObjectStore(settings: ObjectStoreSettings, options: { timeoutMs?: number } = {}): ObjectStore {
  const client = new AwsClient({ accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey, service: 's3', region: settings.region });
  const timeoutMs = options.timeoutMs ?? OBJECT_STORE_TIMEOUT_MS;
  // Keys are ours (hex and uuids), but each segment is encoded anyway so a key can never
  // climb out of the bucket.
  const urlOf = (key: string) => `${settings.url}/${settings.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  const send = (key: string, init: RequestInit) => client.fetch(urlOf(key), { ...init, signal: AbortSignal.timeout(timeoutMs) });
  const fail = async (what: string, key: string, res: Response) => {
    // The body is S3's XML error (code and message); no credentials are in it.
    const detail = (await res.text().catch(() => '')).slice(0, 300);
    return new ObjectStoreError(`object store ${what} of ${key} answered ${res.status}: ${detail}`);
  };
  return {
    async put(key, bytes) {
      const res = await send(key, { method: 'PUT', body: bytes as Uint8Array<ArrayBuffer>, headers: { 'content-type': 'application/octet-stream' } });
      if (!res.ok) throw await fail('PUT', key, res);
      await res.arrayBuffer();
    },
    async get(key) {
      const res = await send(key, { method: 'GET' });
      if (res.status === 404) {
        await res.arrayBuffer();
        return null;
      }
      if (!res.ok) throw await fail('GET', key, res);
      return new Uint8Array(await res.arrayBuffer());
    },
    async delete(key) {
      const res = await send(key, { method: 'DELETE' });
      if (!res.ok && res.status !== 404) throw await fail('DELETE', key, res);
      await res.arrayBuffer();
    },
  };
}

/** Where a configuration's blob lives in the bucket: per configuration like the `file_blobs`
 * key, so deleting one configuration's blob never touches another's identical bytes. */
export function objectKeyOf(configId: string, sha256: string): string {
  return `blobs/${configId}/${sha256}`;
}
