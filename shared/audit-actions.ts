/**
 * What the audit log records (server/audit/audit-log.ts), by subject: the names the server
 * writes and the audit view filters by. Adding an event: add its name here, record it where the
 * change is committed, and cover it in the audit test.
 */
export const AUDIT_ACTIONS = [
  // An organisation itself.
  'org.created',
  'org.renamed',
  'org.deleted',
  // People in an organisation or on a configuration (`target.scope`: 'org' | 'config').
  'member.added',
  'member.role_changed',
  'member.removed',
  'invitation.created',
  'invitation.accepted',
  'invitation.revoked',
  // Teams and what they are given.
  'team.created',
  'team.renamed',
  'team.default_role_changed',
  'team.deleted',
  'team.member_added',
  'team.member_removed',
  'team.grant_set',
  'team.grant_removed',
  // Organisation policies and a configuration's review settings.
  'policy.changed',
  'review_settings.changed',
  // Share links.
  'link.created',
  'link.changed',
  'link.revoked',
  // First-boot secrets: which one and what happened, never the value.
  'secret.set',
  'secret.cleared',
  // Builds.
  'build.started',
  'build.cancelled',
  'build.retried',
  // Configurations.
  'config.created',
  'config.moved',
  'config.deleted',
  'config.restored',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export function isAuditAction(value: unknown): value is AuditAction {
  return typeof value === 'string' && (AUDIT_ACTIONS as readonly string[]).includes(value);
}

/** One audit entry as the REST API answers it: `at` is an ISO date on the wire (the server holds a
 * Date, and stored actions as text). */
export interface AuditEntry<At = string, Action = AuditAction> {
  id: number;
  at: At;
  action: Action;
  actorId: string | null;
  /** The account's name now; the stored label when there is no account (a guest, a deleted one). */
  actorName: string;
  address: string | null;
  orgId: string | null;
  configId: string | null;
  configName: string | null;
  target: Record<string, unknown>;
}

/** A page of entries, newest first. */
export interface AuditPage<Entry = AuditEntry> {
  entries: Entry[];
  /** Pass as `before` for the next page; null when this page is the last. */
  next: number | null;
}
