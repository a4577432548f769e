/** Route descriptions of the userpatches tree (docs/architecture.md, "REST API description"). */
import { bool, json, media, obj, str, type ApiSpec } from '../api-spec/operation.ts';

/** `POST /api/configs/:id/files/upload`: what the route checks with (files/routes.ts). The path's
 * rules (shared/files/file-path.ts), "exactly one of text and contentBase64" and the size limit
 * are checked after. */
export const UPLOAD_BODY = obj({ path: str({ minLength: 1 }), text: str(), contentBase64: str(), executable: bool }, ['path']);

export const filesApi: ApiSpec = {
  tag: 'files',
  description: 'The configuration\'s userpatches files (architecture.md, "Document layout").',
  operations: {
    'POST /api/configs/:id/files/upload': {
      summary: 'Write one file (text, or bytes as base64)',
      access: { action: 'edit' },
      body: UPLOAD_BODY,
      responses: { 201: json(obj({ path: str(), kind: str() }, ['path', 'kind']), 'Written') },
    },
    'GET /api/configs/:id/files/raw': {
      summary: 'One file\'s bytes',
      access: { action: 'read' },
      query: { path: { schema: str(), required: true } },
      responses: { 200: media(['application/octet-stream', 'text/plain'], 'The file (a text file as text/plain)') },
    },
    'GET /api/configs/:id/files/tarball': { summary: 'The whole tree as a tar file', access: { action: 'read' }, responses: { 200: media('application/x-tar', 'userpatches as tar') } },
  },
};
