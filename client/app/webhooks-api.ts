/**
 * Webhooks of a configuration and their delivery log (server/webhooks/routes.ts). Owner only:
 * everyone else gets 403, which is why the Share dialog offers them to owners alone.
 */
import type { ApiCall } from './api.ts';

/** Same list as the server's WEBHOOK_EVENT_TYPES (server/webhooks/events.ts). */
export const WEBHOOK_EVENTS = [
  { type: 'build.finished', label: 'Build finished' },
  { type: 'review.approved', label: 'Review approved' },
  { type: 'review.changes_requested', label: 'Changes requested' },
  { type: 'version.created', label: 'Version created' },
] as const;

export interface WebhookInfo {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface DeliveryAttempt {
  attempt: number;
  redelivery: boolean;
  at: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
}

export interface DeliveryInfo {
  id: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'succeeded' | 'failed';
  createdAt: string;
  lastAttemptAt: string | null;
  attempts: DeliveryAttempt[];
}

export interface WebhookList {
  webhooks: WebhookInfo[];
  /** False without Redis: nothing is sent (test and redeliver answer 503). */
  deliveriesEnabled: boolean;
}

export interface WebhookChange {
  url?: string;
  events?: string[];
  active?: boolean;
}

export interface WebhooksApi {
  list(configId: string): Promise<WebhookList>;
  /** The answer holds the signing secret: the only time besides a rotation that it is shown. */
  create(configId: string, hook: { url: string; events: string[] }): Promise<{ webhook: WebhookInfo; secret: string }>;
  update(configId: string, webhookId: string, change: WebhookChange): Promise<{ webhook: WebhookInfo }>;
  remove(configId: string, webhookId: string): Promise<void>;
  rotateSecret(configId: string, webhookId: string): Promise<{ webhook: WebhookInfo; secret: string }>;
  ping(configId: string, webhookId: string): Promise<{ deliveryId: string }>;
  deliveries(configId: string, webhookId: string): Promise<{ deliveries: DeliveryInfo[] }>;
  redeliver(configId: string, webhookId: string, deliveryId: string): Promise<unknown>;
}

export function createWebhooksApi(call: ApiCall): WebhooksApi {
  const hooks = (id: string) => `/api/configs/${encodeURIComponent(id)}/webhooks`;
  const hook = (id: string, webhookId: string) => `${hooks(id)}/${encodeURIComponent(webhookId)}`;
  return {
    list: (id) => call('GET', hooks(id)),
    create: (id, body) => call('POST', hooks(id), { json: body }),
    update: (id, webhookId, change) => call('PATCH', hook(id, webhookId), { json: change }),
    remove: (id, webhookId) => call('DELETE', hook(id, webhookId)),
    rotateSecret: (id, webhookId) => call('POST', `${hook(id, webhookId)}/rotate-secret`, { json: {} }),
    ping: (id, webhookId) => call('POST', `${hook(id, webhookId)}/ping`, { json: {} }),
    deliveries: (id, webhookId) => call('GET', `${hook(id, webhookId)}/deliveries`),
    redeliver: (id, webhookId, deliveryId) => call('POST', `${hook(id, webhookId)}/deliveries/${encodeURIComponent(deliveryId)}/redeliver`, { json: {} }),
  };
}
