/** Descriptions of the routes `server/app.ts` mounts itself (docs/architecture.md, "REST API description"). */
import { json, media, anyObject, type ApiSpec } from './operation.ts';

export const appApi: ApiSpec = {
  tag: 'server',
  description: 'The server itself: metrics, the WebSocket endpoints, this API description.',
  operations: {
    'GET /metrics': {
      summary: 'Prometheus metrics',
      access: { other: 'Only with `Authorization: Bearer <METRICS_TOKEN>`; without METRICS_TOKEN the route answers 404.' },
      responses: { 200: media('text/plain', 'Prometheus text format') },
    },
    'GET /sync/:configId': {
      summary: 'WebSocket endpoint of a configuration\'s document',
      description: 'Speaks y-websocket (docs/architecture.md, "Extension protocol"); a plain GET answers 426 `upgrade_required`.',
      access: { other: 'WebSocket: a session or share link (`?share=`); see docs/permissions.md, the sync table.' },
      responses: {},
    },
    'GET /sync/:configId/:docName': {
      summary: 'WebSocket endpoint of another declared document of a configuration',
      access: { other: 'WebSocket: as `/sync/{configId}`; an undeclared name answers 404 `unknown_document`.' },
      responses: {},
    },
    'GET /api/openapi.json': { summary: 'This document', access: { public: true }, responses: { 200: json(anyObject, 'The OpenAPI 3.1 document') } },
    'GET /api/docs': { summary: 'This document as a page for people', access: { public: true }, responses: { 200: media('text/html', 'The API reference') } },
  },
};
