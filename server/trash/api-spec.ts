/** Route descriptions of the trash (docs/architecture.md, "REST API description"). */
import { arrayOf, bool, json, obj, str, uuid, anyObject, type ApiSpec } from '../api-spec/operation.ts';

export const trashApi: ApiSpec = {
  tag: 'trash',
  description: 'Deleted configurations, kept for a while before they are purged.',
  operations: {
    'GET /api/trash': { summary: 'My deleted configurations', access: { signedIn: true }, responses: { 200: json(arrayOf(anyObject)) } },
    'POST /api/configs/:id/restore': {
      summary: 'Bring a deleted configuration back',
      access: { action: 'delete' },
      responses: { 200: json(obj({ id: uuid, name: str(), restored: bool }, ['id', 'restored'])) },
    },
  },
};
