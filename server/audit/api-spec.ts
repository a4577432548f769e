/** Route descriptions of the audit log (docs/architecture.md, "Audit log"). */
import { AUDIT_ACTIONS } from '../../shared/audit-actions.ts';
import { anyObject, arrayOf, dateTime, int, json, media, nullable, obj, oneOfStrings, str, uuid, type ApiSpec, type OperationSpec } from '../api-spec/operation.ts';
import { AUDIT_PAGE_MAX } from './audit-query.ts';

const entryView = obj(
  {
    id: int({ minimum: 1 }),
    at: dateTime,
    action: oneOfStrings(AUDIT_ACTIONS),
    actorId: nullable(uuid),
    actorName: str({ description: "The account's name; for a guest or a deleted account, the recorded label." }),
    address: nullable(str()),
    orgId: nullable(uuid),
    configId: nullable(uuid),
    configName: nullable(str()),
    target: { ...anyObject, description: 'What it was done to and how (ids, roles, names); `via: "token brt_…"` for a personal access token. Never a secret, a share-link token or an invitation token.' },
  },
  ['id', 'at', 'action', 'actorId', 'actorName', 'address', 'orgId', 'configId', 'target'],
);
const pageView = obj({ entries: arrayOf(entryView), next: nullable(int({ minimum: 1 })) }, ['entries', 'next']);

const filters: NonNullable<OperationSpec['query']> = {
  action: { schema: str(), description: 'One or several actions (repeat the parameter, or separate them with commas).' },
  actor: { schema: uuid, description: 'Entries of this account.' },
  configId: { schema: uuid, description: 'Entries about this configuration.' },
  since: { schema: str({ format: 'date-time' }), description: 'At or after (ISO date or date-time).' },
  until: { schema: str({ format: 'date-time' }), description: 'At or before (ISO date or date-time).' },
};
const paging: NonNullable<OperationSpec['query']> = {
  before: { schema: str({ pattern: '^[1-9][0-9]*$' }), description: "Entries older than this id: the previous page's `next`." },
  limit: { schema: int({ minimum: 1, maximum: AUDIT_PAGE_MAX }), description: `Entries per page (default 50, at most ${AUDIT_PAGE_MAX}).` },
};

export const auditApi: ApiSpec = {
  tag: 'audit',
  description: 'The audit log: who changed membership, teams, policies, share links, secrets, builds and configurations, when and from which address. Newest first.',
  operations: {
    'GET /api/orgs/:orgId/audit': {
      summary: "The organisation's audit log, a page at a time",
      access: { orgAction: 'readAudit' },
      query: { ...filters, ...paging },
      responses: { 200: json(pageView) },
    },
    'GET /api/orgs/:orgId/audit/export': {
      summary: "Every entry of the organisation's audit log that matches, as JSON lines (streamed)",
      access: { orgAction: 'readAudit' },
      query: filters,
      responses: { 200: media('application/x-ndjson', 'One entry per line, newest first') },
    },
    'GET /api/configs/:id/audit': {
      summary: "A configuration's own audit log (for one in an organisation, the organisation's admins only)",
      access: { action: 'manageAccess' },
      query: { ...filters, ...paging },
      responses: { 200: json(pageView) },
    },
  },
};
