/** How the audit view says each action and its details in words (client/orgs/audit-section.tsx). */
import type { AuditAction } from '../../shared/audit-actions.ts';
import type { AuditEntry } from './audit-api.ts';

export const AUDIT_ACTION_WORDS: Record<AuditAction, string> = {
  'org.created': 'Created the organisation',
  'org.renamed': 'Renamed the organisation',
  'org.deleted': 'Deleted the organisation',
  'member.added': 'Added a member',
  'member.role_changed': "Changed a member's role",
  'member.removed': 'Removed a member',
  'invitation.created': 'Invited someone',
  'invitation.accepted': 'Accepted an invitation',
  'invitation.revoked': 'Revoked an invitation',
  'team.created': 'Created a team',
  'team.renamed': 'Renamed a team',
  'team.deleted': 'Deleted a team',
  'team.default_role_changed': 'Changed a team\'s default role',
  'team.member_added': 'Added someone to a team',
  'team.member_removed': 'Removed someone from a team',
  'team.grant_set': 'Gave a team a configuration',
  'team.grant_removed': "Took a configuration from a team",
  'policy.changed': 'Changed the policies',
  'review_settings.changed': 'Changed the review settings',
  'link.created': 'Created a share link',
  'link.changed': 'Changed a share link',
  'link.revoked': 'Revoked a share link',
  'secret.set': 'Set a first-boot secret',
  'secret.cleared': 'Cleared a first-boot secret',
  'build.started': 'Started a build',
  'build.cancelled': 'Cancelled a build',
  'build.retried': 'Retried a build',
  'config.created': 'Created a configuration',
  'config.moved': 'Moved a configuration',
  'config.deleted': 'Deleted a configuration',
  'config.restored': 'Restored a configuration',
};

export const actionWords = (action: string): string => AUDIT_ACTION_WORDS[action as AuditAction] ?? action;

const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : null);
const short = (id: unknown) => (typeof id === 'string' ? id.slice(0, 8) : null);
const day = (iso: unknown) => (typeof iso === 'string' ? new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' }) : 'never');

/** The details column: the parts of `target` a reader looks for, in words; ids shortened. */
export function detailWords(entry: AuditEntry): string {
  const t = entry.target;
  const parts: string[] = [];
  const add = (label: string, value: string | null) => {
    if (value !== null && value !== '') parts.push(label ? `${label} ${value}` : value);
  };
  if (entry.action.startsWith('link.')) {
    add('', text(t.kind) && `${t.kind} link`);
    add('role', text(t.role));
    add('', text(t.label) && `“${t.label}”`);
    if ('expiresAt' in t) add('expires', day(t.expiresAt));
    if (Array.isArray(t.changed)) add('changed', t.changed.join(', '));
  } else if (entry.action.startsWith('build.')) {
    if (t.matrixId) add('matrix', `${short(t.matrixId)} (${text(t.cells)} cell${t.cells === 1 ? '' : 's'})`);
    else add('build', short(t.buildId));
    add('retry of', short(t.retryOf));
    add('content', short(t.contentHash));
  } else if (entry.action.startsWith('secret.')) {
    add('', text(t.name));
  } else {
    add('', text(t.email));
    add('', text(t.name));
    add('team', text(t.team));
    add('role', text(t.role));
    if (text(t.from) && text(t.to)) add('role', `${t.from} → ${t.to}`);
    if (Array.isArray(t.policies)) add('changed', t.policies.join(', '));
    if (t.requireApproval !== undefined) add('approval required:', t.requireApproval ? 'yes' : 'no');
    add('approvals', text(t.requiredApprovals));
  }
  add('via', text(t.via));
  return parts.join(' · ');
}
