/**
 * The query of an audit read or export (`?action=…&actor=…&configId=…&since=…&until=…&before=…
 * &limit=…`), checked whole: every bad parameter is one detail of a single 422, so a client
 * fixes them all at once. Query details use the JSON Pointer `/query/<name>`.
 */
import { AUDIT_ACTIONS, isAuditAction, type AuditAction } from '../../shared/audit-actions.ts';
import { isUuid } from '../../shared/uuid.ts';
import { unprocessable } from '../http-errors.ts';
import type { AuditFilter } from './audit-store.ts';

/** A page of the audit view: a screenful and a half. */
export const AUDIT_PAGE_DEFAULT = 50;
/** Most entries one request returns: a page stays a small, quick answer; more is the export's. */
export const AUDIT_PAGE_MAX = 200;
/** Entries an export reads per query while it streams: memory stays flat whatever the log holds. */
export const AUDIT_EXPORT_PAGE = 500;
/** Longest accepted date parameter: an ISO date-time is ~30 characters. */
const MAX_DATE_CHARS = 40;

type Detail = { path: string; message: string; keyword: string };

/** `params`: every value of each query parameter (Hono's `c.req.queries()`). */
export function readAuditQuery(params: Record<string, string[] | undefined>): AuditFilter {
  const details: Detail[] = [];
  const bad = (name: string, message: string, keyword: string) => details.push({ path: `/query/${name}`, message, keyword });
  const one = (name: string): string | undefined => {
    const values = params[name];
    if (!values || values.length === 0) return undefined;
    if (values.length > 1) bad(name, `give ${name} once`, 'maxItems');
    return values[0];
  };
  const filter: AuditFilter = { limit: AUDIT_PAGE_DEFAULT };

  // `action=a&action=b` or `action=a,b`.
  const actions = (params.action ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  const unknown = actions.filter((a) => !isAuditAction(a));
  if (unknown.length > 0) bad('action', `unknown action ${unknown.map((a) => JSON.stringify(a.slice(0, 40))).join(', ')}; one of ${AUDIT_ACTIONS.join(', ')}`, 'enum');
  else if (actions.length > 0) filter.actions = [...new Set(actions)] as AuditAction[];

  const actor = one('actor');
  if (actor !== undefined) {
    if (isUuid(actor)) filter.actorId = actor.toLowerCase();
    else bad('actor', 'actor must be a user id', 'format');
  }
  const configId = one('configId');
  if (configId !== undefined) {
    if (isUuid(configId)) filter.configId = configId.toLowerCase();
    else bad('configId', 'configId must be a configuration id', 'format');
  }
  for (const name of ['since', 'until'] as const) {
    const raw = one(name);
    if (raw === undefined) continue;
    const when = raw.length <= MAX_DATE_CHARS && /^\d{4}-\d{2}-\d{2}/.test(raw) ? new Date(raw) : new Date(NaN);
    if (Number.isNaN(when.getTime())) bad(name, `${name} must be an ISO date or date-time`, 'format');
    else filter[name] = when;
  }
  if (filter.since && filter.until && filter.since > filter.until) bad('until', 'until is before since', 'minimum');
  const before = one('before');
  if (before !== undefined) {
    if (/^[1-9]\d{0,15}$/.test(before) && Number.isSafeInteger(Number(before))) filter.before = Number(before);
    else bad('before', 'before must be an entry id (a positive whole number)', 'type');
  }
  const limit = one('limit');
  if (limit !== undefined) {
    const n = /^\d{1,4}$/.test(limit) ? Number(limit) : NaN;
    if (!(n >= 1 && n <= AUDIT_PAGE_MAX)) bad('limit', `limit must be a whole number from 1 to ${AUDIT_PAGE_MAX}`, 'maximum');
    else filter.limit = n;
  }
  if (details.length > 0) throw unprocessable('the audit query has errors', details);
  return filter;
}
