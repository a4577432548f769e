/**
 * The userpatches tree's REST side for the Files panel (server/files/routes.ts): binary uploads
 * with progress (XMLHttpRequest: fetch reports no upload progress), download addresses.
 * Text files never go through here: they are `Y.Text` in the document.
 */
import { ApiRequestError } from '../app/api.ts';

export interface FilesApi {
  /** Uploads bytes as a binary file of the tree; `onProgress` gets 0–1 as the body is sent. */
  uploadBinary(configId: string, path: string, bytes: Uint8Array, options?: { executable?: boolean; onProgress?(fraction: number): void }): Promise<{ sha256: string; size: number }>;
  rawUrl(configId: string, path: string): string;
  tarballUrl(configId: string): string;
}

function base64Of(bytes: Uint8Array): string {
  let binary = '';
  // Chunks keep String.fromCharCode's argument list small.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function createFilesApi(base = '', shareToken?: string): FilesApi {
  const config = (id: string) => `${base}/api/configs/${encodeURIComponent(id)}/files`;
  const share = (sep: string) => (shareToken ? `${sep}share=${encodeURIComponent(shareToken)}` : '');
  return {
    uploadBinary(configId, path, bytes, options = {}) {
      return new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', `${config(configId)}/upload`);
        xhr.setRequestHeader('content-type', 'application/json');
        xhr.setRequestHeader('accept', 'application/json');
        if (shareToken) xhr.setRequestHeader('x-share-token', shareToken);
        xhr.withCredentials = true;
        xhr.upload.onprogress = (e) => {
          if (e.lengthComputable) options.onProgress?.(e.loaded / e.total);
        };
        xhr.onload = () => {
          const json = (() => {
            try {
              return JSON.parse(xhr.responseText) as Record<string, unknown>;
            } catch {
              return null;
            }
          })();
          if (xhr.status >= 200 && xhr.status < 300 && json) {
            options.onProgress?.(1);
            resolve(json as unknown as { sha256: string; size: number });
            return;
          }
          const error = (json?.error ?? {}) as { code?: string; message?: string };
          reject(new ApiRequestError(xhr.status, error.code ?? 'http_error', error.message ?? `upload failed: ${xhr.status}`));
        };
        xhr.onerror = () => reject(new ApiRequestError(0, 'network', 'the upload did not reach the server'));
        xhr.send(JSON.stringify({ path, contentBase64: base64Of(bytes), executable: options.executable ?? false }));
      });
    },
    rawUrl: (configId, path) => `${config(configId)}/raw?path=${encodeURIComponent(path)}${share('&')}`,
    tarballUrl: (configId) => `${config(configId)}/tarball${share('?')}`,
  };
}
