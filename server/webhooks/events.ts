/**
 * What a webhook is sent (docs/webhooks.md, "Events"): a type, a deterministic id, the time, the
 * configuration and a small payload. The id is made from the fact it reports (the build, the
 * review decision, the version), never at random: every server process that hears the same fact,
 * every retry and every redelivery carry the same id, so a receiver can deduplicate on it and the
 * delivery table takes one row per webhook and fact. Payloads hold ids, states and names only:
 * never the configuration's content, never another configuration's data.
 */
import { createHash } from 'node:crypto';

/** The types a webhook may subscribe to. */
export const WEBHOOK_EVENT_TYPES = ['build.finished', 'review.approved', 'review.changes_requested', 'version.created'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
/** `ping` is sent by "Send test" only; nobody subscribes to it. */
export type AnyWebhookEventType = WebhookEventType | 'ping';

export function isWebhookEventType(value: unknown): value is WebhookEventType {
  return typeof value === 'string' && (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

export interface WebhookEvent {
  id: string;
  type: AnyWebhookEventType;
  /** ISO time of the fact (not of the attempt). */
  createdAt: string;
  configId: string;
  data: Record<string, unknown>;
}

/** `evt_` and 32 hex digits of sha256 over the type and the fact's own id. */
export function eventIdOf(type: AnyWebhookEventType, factId: string): string {
  return `evt_${createHash('sha256').update(`${type}\n${factId}`).digest('hex').slice(0, 32)}`;
}

/** Terminal build states a `build.finished` reports. */
export const FINISHED_BUILD_STATES = ['succeeded', 'failed', 'cancelled'] as const;

export function buildFinishedEvent(fact: { configId: string; buildId: string; status: string; error: string | null; attempts: number; at: string }): WebhookEvent {
  return {
    // A finished build never runs again (a retry is a new build), so the build's id names the fact.
    id: eventIdOf('build.finished', fact.buildId),
    type: 'build.finished',
    createdAt: fact.at,
    configId: fact.configId,
    data: { buildId: fact.buildId, status: fact.status, error: fact.error, attempts: fact.attempts },
  };
}

export function reviewDecidedEvent(fact: {
  configId: string;
  decisionId: string;
  decision: 'approve' | 'request_changes';
  review: { id: string; title: string | null; contentHash: string };
  by: { name: string };
  at: Date;
}): WebhookEvent {
  const type = fact.decision === 'approve' ? 'review.approved' : 'review.changes_requested';
  return {
    id: eventIdOf(type, fact.decisionId),
    type,
    createdAt: fact.at.toISOString(),
    configId: fact.configId,
    data: { reviewId: fact.review.id, title: fact.review.title, contentHash: fact.review.contentHash, decidedBy: fact.by.name },
  };
}

export function versionCreatedEvent(fact: {
  configId: string;
  version: { id: string; label: string | null; kind: string; contentHash: string; createdAt: Date | string; buildId?: string | null };
}): WebhookEvent {
  const v = fact.version;
  return {
    id: eventIdOf('version.created', v.id),
    type: 'version.created',
    createdAt: new Date(v.createdAt).toISOString(),
    configId: fact.configId,
    data: { versionId: v.id, label: v.label, kind: v.kind, contentHash: v.contentHash, ...(v.buildId ? { buildId: v.buildId } : {}) },
  };
}

/** "Send test": a fact of its own, so a fresh id each time. */
export function pingEvent(configId: string, webhookId: string, nonce: string): WebhookEvent {
  return { id: eventIdOf('ping', nonce), type: 'ping', createdAt: new Date().toISOString(), configId, data: { webhookId } };
}
