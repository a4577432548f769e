/**
 * What an instance admin may do that other accounts may not, in one list: the policy, the stores
 * and docs/security.md ("Instance admins") name these powers, and
 * tests/instance-admin-powers.test.ts checks the document lists each one. Who is an admin is
 * decided elsewhere (server/auth/instance-admins.ts); nobody is admin by signing up.
 *
 * Every use of a power on a configuration the admin does not hold the needed role on by ownership
 * or membership is logged as `admin power used` (`logAdminPower`), without secrets.
 */
import type { Logger } from 'pino';

export const ADMIN_POWERS = {
  ownEveryConfiguration:
    'Acts as owner of every configuration that is not in the trash: reads, edits, builds, reviews, manages members, share links, webhooks and secrets, deletes (every action of shared/roles.ts).',
  seeEveryConfiguration: 'Sees every configuration in the list, not only their own and those they are a member of.',
  restoreAnyTrash: "Restores any configuration from the trash, not only their own.",
  approveAsOwner: "Their approval of a review counts on every configuration, as an owner's would (approval rules).",
} as const;

export type AdminPower = keyof typeof ADMIN_POWERS;

/** What a use of a power is logged with: who, on what, doing what, and which request. */
export interface AdminPowerUse {
  power: AdminPower;
  adminId: string;
  configId: string | null;
  action: string;
  /** The request id (`x-request-id`) or, for a WebSocket admission, null. */
  reqId: string | null;
  /** `METHOD /path` of the request, or `WS /sync/<id>` at a WebSocket admission. */
  route: string | null;
}

export type AdminPowerLog = (use: AdminPowerUse) => void;

export function adminPowerLog(logger: Pick<Logger, 'info'>): AdminPowerLog {
  return (use) => logger.info(use, 'admin power used');
}
