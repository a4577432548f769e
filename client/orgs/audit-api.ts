/** The organisation's audit log over REST (`/api/orgs/:orgId/audit`, admins and owners). */
import type { AuditAction, AuditEntry, AuditPage } from '../../shared/audit-actions.ts';

export type { AuditEntry, AuditPage };

export interface AuditQuery {
  actions?: readonly AuditAction[];
  actor?: string;
  configId?: string;
  /** ISO date-times. */
  since?: string;
  until?: string;
  before?: number;
  limit?: number;
}

/** The query string of a read or an export (the export takes the same filters). */
export function auditSearch(query: AuditQuery): string {
  const q = new URLSearchParams();
  for (const action of query.actions ?? []) q.append('action', action);
  if (query.actor) q.set('actor', query.actor);
  if (query.configId) q.set('configId', query.configId);
  if (query.since) q.set('since', query.since);
  if (query.until) q.set('until', query.until);
  if (query.before !== undefined) q.set('before', String(query.before));
  if (query.limit !== undefined) q.set('limit', String(query.limit));
  const text = q.toString();
  return text ? `?${text}` : '';
}

const base = (orgId: string) => `/api/orgs/${encodeURIComponent(orgId)}/audit`;

export const auditPath = (orgId: string, query: AuditQuery) => `${base(orgId)}${auditSearch(query)}`;

/** A plain link: the browser downloads it with the session cookie (a GET changes nothing). */
export const auditExportUrl = (orgId: string, query: AuditQuery) => `${base(orgId)}/export${auditSearch({ ...query, before: undefined, limit: undefined })}`;
