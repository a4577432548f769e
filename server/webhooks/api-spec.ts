/** Route descriptions of webhooks (docs/architecture.md, "REST API description"). */
import { anyObject, arrayOf, bool, empty, json, obj, oneOfStrings, str, uuid, type ApiSpec } from '../api-spec/operation.ts';
import { WEBHOOK_EVENT_TYPES } from './events.ts';

/** A URL is longer than this only by mistake (or to fill our database). */
const MAX_WEBHOOK_URL_LENGTH = 2048;
const webhookFields = {
  // Which addresses are allowed (https, no private networks unless WEBHOOK_ALLOWED_NETWORKS) is
  // checked by the route after the schema (webhooks/url-check.ts).
  url: str({ minLength: 1, maxLength: MAX_WEBHOOK_URL_LENGTH }),
  events: arrayOf(oneOfStrings(WEBHOOK_EVENT_TYPES), { minItems: 1 }),
  active: bool,
};
/** `POST /api/configs/:id/webhooks`: what the route checks with (webhooks/routes.ts). */
export const NEW_WEBHOOK_BODY = obj(webhookFields, ['url', 'events']);
/** `PATCH …/webhooks/:webhookId`: any of the same fields. */
export const WEBHOOK_PATCH_BODY = obj(webhookFields);

const webhook = obj({ id: uuid, url: str(), events: arrayOf(str()), active: bool }, ['id', 'url', 'events']);

export const webhooksApi: ApiSpec = {
  tag: 'webhooks',
  description: 'Signed deliveries of a configuration\'s events to a URL. Owners only; no token scope grants it.',
  operations: {
    'GET /api/configs/:id/webhooks': { summary: 'Webhooks and the event types there are', access: { action: 'manageWebhooks' }, responses: { 200: json(obj({ webhooks: arrayOf(webhook), eventTypes: arrayOf(str()) }, ['webhooks'])) } },
    'POST /api/configs/:id/webhooks': {
      summary: 'Add a webhook (its signing secret is in this answer only)',
      access: { action: 'manageWebhooks' },
      body: NEW_WEBHOOK_BODY,
      responses: { 201: json(obj({ webhook, secret: str() }, ['webhook', 'secret']), 'Added') },
    },
    'PATCH /api/configs/:id/webhooks/:webhookId': {
      summary: 'Change a webhook\'s URL, events or whether it is active',
      access: { action: 'manageWebhooks' },
      body: WEBHOOK_PATCH_BODY,
      responses: { 200: json(obj({ webhook }, ['webhook'])) },
    },
    'POST /api/configs/:id/webhooks/:webhookId/rotate-secret': { summary: 'A new signing secret', access: { action: 'manageWebhooks' }, responses: { 200: json(obj({ webhook, secret: str() }, ['webhook', 'secret'])) } },
    'POST /api/configs/:id/webhooks/:webhookId/ping': { summary: 'Send a test delivery', access: { action: 'manageWebhooks' }, responses: { 202: json(obj({ deliveryId: uuid }, ['deliveryId']), 'Queued') } },
    'GET /api/configs/:id/webhooks/:webhookId/deliveries': {
      summary: 'Recent deliveries',
      access: { action: 'manageWebhooks' },
      query: { limit: { schema: str({ pattern: '^[0-9]+$' }) } },
      responses: { 200: json(obj({ deliveries: arrayOf(anyObject) }, ['deliveries'])) },
    },
    'POST /api/configs/:id/webhooks/:webhookId/deliveries/:deliveryId/redeliver': {
      summary: 'Send a delivery again',
      access: { action: 'manageWebhooks' },
      responses: { 202: json(obj({ deliveryId: uuid, eventId: str() }, ['deliveryId']), 'Queued') },
    },
    'DELETE /api/configs/:id/webhooks/:webhookId': { summary: 'Remove a webhook', access: { action: 'manageWebhooks' }, responses: { 204: empty('Removed') } },
  },
};
