/** Route descriptions of the workspace layout (docs/architecture.md, "REST API description"). */
import { anyObject, empty, json, nullable, obj, type ApiSpec } from '../api-spec/operation.ts';

/** `PUT /api/layout`: its inner shape is golden-layout's business; the size is checked after. */
export const LAYOUT_BODY = obj({ layout: anyObject }, ['layout']);

export const layoutApi: ApiSpec = {
  tag: 'layout',
  description: 'The signed-in person\'s saved workspace layout.',
  operations: {
    'GET /api/layout': { summary: 'My saved layout', access: { signedIn: true }, responses: { 200: json(obj({ layout: nullable(anyObject) }, ['layout'])) } },
    'PUT /api/layout': { summary: 'Save my layout', access: { signedIn: true }, body: LAYOUT_BODY, responses: { 204: empty('Saved') } },
  },
};
