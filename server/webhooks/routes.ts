/**
 * Webhook routes, all under `/api/configs/:id/webhooks`, all `manageWebhooks` (owners):
 *
 * - `GET    /webhooks`                                   list (never the secret)
 * - `POST   /webhooks` `{ url, events, active? }`        create; the answer holds the secret, once
 * - `PATCH  /webhooks/:webhookId` `{ url?, events?, active? }`
 * - `DELETE /webhooks/:webhookId`                        with its delivery log
 * - `POST   /webhooks/:webhookId/rotate-secret`          a new secret, shown once; the old one stops
 * - `POST   /webhooks/:webhookId/ping`                   send a `ping` event now (202)
 * - `GET    /webhooks/:webhookId/deliveries?limit=`      newest deliveries with their attempts
 * - `POST   /webhooks/:webhookId/deliveries/:deliveryId/redeliver`  once more, same event id (202)
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { BlockList } from 'node:net';
import type { Sealer } from '../../shared/node/secrets/sealed.ts';
import { requireAction } from '../access/authorize.ts';
import type { AccessStore } from '../auth/access-store.ts';
import type { AppEnv } from '../auth/actor.ts';
import { ApiError, notFound } from '../http-errors.ts';
import { validatedBody } from '../api-spec/validated-body.ts';
import { NEW_WEBHOOK_BODY, WEBHOOK_PATCH_BODY } from './api-spec.ts';
import type { WebhookDispatcher } from './dispatcher.ts';
import { pingEvent, WEBHOOK_EVENT_TYPES } from './events.ts';
import { checkWebhookUrl } from './url-guard.ts';
import { createWebhookStore, secretContext, webhookView, type WebhookStore } from './store.ts';
import type { Db } from '../db/connect.ts';
import { withConfigTenant } from '../db/tenant.ts';

/** Webhooks per configuration: a handful of receivers is the use; past this it is a mistake. */
export const MAX_WEBHOOKS_PER_CONFIG = 20;
export const DELIVERIES_PAGE_DEFAULT = 30;
export const DELIVERIES_PAGE_MAX = 100;

export interface WebhookRouteDeps {
  /** For the lists read as the configuration's tenant (RLS, server/db/tenant.ts). */
  db: Db;
  access: AccessStore;
  store: WebhookStore;
  sealer: Sealer;
  /** Null without Redis: webhooks can be managed, nothing is sent (503 for ping and redeliver). */
  dispatcher: WebhookDispatcher | null;
  allowed: BlockList;
}

const invalid = (path: string, message: string, keyword: string) => new ApiError(422, 'validation_failed', message, [{ path, message, keyword }]);
const unavailable = () => new ApiError(503, 'webhooks_unavailable', 'webhook deliveries need Redis, which is not configured or not reachable; try again later');

/** `whsec_` and 32 random bytes: what receivers keep to check signatures. */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

function readUrl(url: string, allowed: BlockList): string {
  const check = checkWebhookUrl(url, allowed);
  if (!check.ok) throw invalid('/url', check.reason, 'format');
  return check.url.toString();
}

export function webhookRoutes(deps: WebhookRouteDeps): Hono<AppEnv> {
  const { store, sealer } = deps;
  const app = new Hono<AppEnv>();
  const owner = (c: { get(k: 'actor'): AppEnv['Variables']['actor'] }, id: string) => requireAction(deps, c.get('actor'), id, 'manageWebhooks');
  const webhookOf = async (id: string, webhookId: string) => {
    const row = await store.get(id, webhookId);
    if (!row) throw notFound('webhook');
    return row;
  };

  // Bodies are checked with the schemas the API description declares (webhooks/api-spec.ts).
  type WebhookFields = { url: string; events: string[]; active?: boolean };
  const readNewWebhook = validatedBody<WebhookFields>(NEW_WEBHOOK_BODY);
  const readPatch = validatedBody<Partial<WebhookFields>>(WEBHOOK_PATCH_BODY);

  app.get('/:id/webhooks', async (c) => {
    const id = c.req.param('id');
    await owner(c, id);
// As the configuration's tenant: RLS is the second line on this read (server/db/tenant.ts).
    const list = await withConfigTenant(deps.db, id, (tx) => createWebhookStore(tx).list(id));
    return c.json({ webhooks: list.map(webhookView), eventTypes: WEBHOOK_EVENT_TYPES, deliveriesEnabled: deps.dispatcher !== null });
  });

  app.post('/:id/webhooks', async (c) => {
    const id = c.req.param('id');
    const access = await owner(c, id);
    const body = await readNewWebhook(c);
    const url = readUrl(body.url, deps.allowed);
    const events = [...new Set(body.events)];
    const active = body.active ?? true;
    if ((await store.count(id)) >= MAX_WEBHOOKS_PER_CONFIG) throw new ApiError(409, 'limit_reached', `a configuration has at most ${MAX_WEBHOOKS_PER_CONFIG} webhooks`);
    const webhookId = randomUUID();
    const secret = newSecret();
    const row = await store.insert({ id: webhookId, configId: id, url, events, active, secretSealed: sealer.seal(secret, secretContext(webhookId)), createdBy: access.session?.user.id ?? null });
    // The only answers that ever hold the secret: this one and a rotation's.
    return c.json({ webhook: webhookView(row), secret }, 201);
  });

  app.patch('/:id/webhooks/:webhookId', async (c) => {
    const id = c.req.param('id');
    await owner(c, id);
    const existing = await webhookOf(id, c.req.param('webhookId'));
    const body = await readPatch(c);
    const patch: { url?: string; events?: string[]; active?: boolean } = {};
    if (body.url !== undefined) patch.url = readUrl(body.url, deps.allowed);
    if (body.events !== undefined) patch.events = [...new Set(body.events)];
    if (body.active !== undefined) patch.active = body.active;
    const row = await store.update(id, existing.id, patch);
    if (!row) throw notFound('webhook');
    return c.json({ webhook: webhookView(row) });
  });

  app.post('/:id/webhooks/:webhookId/rotate-secret', async (c) => {
    const id = c.req.param('id');
    await owner(c, id);
    const existing = await webhookOf(id, c.req.param('webhookId'));
    const secret = newSecret();
    const row = await store.update(id, existing.id, { secretSealed: sealer.seal(secret, secretContext(existing.id)) });
    if (!row) throw notFound('webhook');
    return c.json({ webhook: webhookView(row), secret });
  });

  app.post('/:id/webhooks/:webhookId/ping', async (c) => {
    const id = c.req.param('id');
    await owner(c, id);
    const webhook = await webhookOf(id, c.req.param('webhookId'));
    if (!deps.dispatcher) throw unavailable();
    const deliveryId = await store.createDelivery(webhook.id, pingEvent(id, webhook.id, randomUUID()));
    try {
      if (deliveryId) await deps.dispatcher.enqueue(deliveryId, false);
    } catch {
      throw unavailable();
    }
    return c.json({ deliveryId }, 202);
  });

  app.get('/:id/webhooks/:webhookId/deliveries', async (c) => {
    const id = c.req.param('id');
    await owner(c, id);
    const webhook = await webhookOf(id, c.req.param('webhookId'));
    const raw = c.req.query('limit');
    const limit = raw === undefined ? DELIVERIES_PAGE_DEFAULT : Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > DELIVERIES_PAGE_MAX) {
      throw new ApiError(400, 'bad_request', `limit must be a whole number from 1 to ${DELIVERIES_PAGE_MAX}`, [{ path: 'limit', message: 'out of range', keyword: 'maximum' }]);
    }
// As the configuration's tenant: RLS is the second line on this read (server/db/tenant.ts).
    return c.json({ deliveries: await withConfigTenant(deps.db, id, (tx) => createWebhookStore(tx).deliveries(webhook.id, limit)) });
  });

  app.post('/:id/webhooks/:webhookId/deliveries/:deliveryId/redeliver', async (c) => {
    const id = c.req.param('id');
    await owner(c, id);
    const webhook = await webhookOf(id, c.req.param('webhookId'));
    const delivery = await store.delivery(webhook.id, c.req.param('deliveryId'));
    if (!delivery) throw notFound('delivery');
    if (!deps.dispatcher) throw unavailable();
    // Pending before the job exists: a fast attempt's outcome must not be overwritten.
    await store.markPending(delivery.id);
    try {
      await deps.dispatcher.enqueue(delivery.id, true);
    } catch {
      throw unavailable();
    }
    return c.json({ deliveryId: delivery.id, eventId: delivery.eventId }, 202);
  });

  // Last in the route table: the permission matrix runs routes in this order on one webhook.
  app.delete('/:id/webhooks/:webhookId', async (c) => {
    const id = c.req.param('id');
    await owner(c, id);
    if (!(await store.remove(id, c.req.param('webhookId')))) throw notFound('webhook');
    return c.body(null, 204);
  });

  return app;
}
