/**
 * Who is an instance admin (docs/security.md, "Instance admins"; what admins may do is
 * server/access/admin-powers.ts). Nobody becomes one by signing up, first or not. Two ways in:
 *
 * - `ADMIN_EMAILS` names addresses; an account with a listed address becomes admin only once its
 *   holder opens a proof link while signed in to it. Signing up proves nothing about an address,
 *   so the link goes where only the address's owner or the operator can read it: by mail when
 *   SMTP is configured, and always into the server log (reading it proves running the server).
 *   An address taken off the list stops being admin at the next start.
 * - The operator's `npm run admin -- grant|revoke|list` (scripts/admin.ts) works on the database
 *   directly: having the database is the proof.
 *
 * Proof links carry no state of their own: an HMAC (under the secrets key) of the account, its
 * address and an expiry, so a link is only good for that account, while that address is listed.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { and, asc, eq, inArray, isNotNull, notInArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import { users } from '../../shared/node/db/auth-schema.ts';
import type { Db } from '../db/connect.ts';
import { normalizeEmail, type User } from './accounts.ts';
import type { Mailer } from '../invitations/mailer.ts';

/** A proof link works this long: a week covers mail read after a weekend; the next start or
 * sign-up makes a fresh one. */
export const ADMIN_PROOF_TTL_MS = 7 * 24 * 3600 * 1000;

/** Where a proof link points; GET, so it opens from a mail or a log line (see routes.ts). */
export const ADMIN_PROOF_PATH = '/api/auth/admin-proof';

export type AdminVia = 'grant' | 'list';

/** `ADMIN_EMAILS`: comma-separated, lower-cased like account addresses. */
export function parseAdminEmails(raw: string | undefined): string[] {
  return [...new Set((raw ?? '').split(',').map(normalizeEmail).filter(Boolean))];
}

// --- the operator's command (scripts/admin.ts) ---

/** Makes the account with `email` an admin by the operator's word; false when there is none. */
export async function grantAdmin(db: Db, email: string): Promise<boolean> {
  const rows = await db.update(users).set({ isAdmin: true, adminVia: 'grant' }).where(eq(users.email, normalizeEmail(email))).returning({ id: users.id });
  return rows.length > 0;
}

/** Takes admin away from the account with `email` (granted or proven); false when there is none. */
export async function revokeAdmin(db: Db, email: string): Promise<boolean> {
  const rows = await db.update(users).set({ isAdmin: false, adminVia: null }).where(eq(users.email, normalizeEmail(email))).returning({ id: users.id });
  return rows.length > 0;
}

export async function listAdmins(db: Db): Promise<{ email: string; name: string; via: AdminVia }[]> {
  const rows = await db.select({ email: users.email, name: users.name, via: users.adminVia }).from(users).where(eq(users.isAdmin, true)).orderBy(asc(users.email));
  return rows.map((r) => ({ ...r, via: (r.via ?? 'grant') as AdminVia }));
}

// --- proof links ---

function proofMac(key: string, userId: string, email: string, expiresAt: number): Buffer {
  return createHmac('sha256', key).update(`boardroom:admin-proof\n${userId}\n${email}\n${expiresAt}`).digest();
}

export function proofToken(key: string, user: { id: string; email: string }, expiresAt: number): string {
  return `${user.id}.${expiresAt}.${proofMac(key, user.id, user.email, expiresAt).toString('base64url')}`;
}

/** The account a proof token names, if it is genuine and unexpired; null otherwise. */
export function readProofToken(key: string, token: string, email: (userId: string) => string | null, now = Date.now()): string | null {
  const match = /^([0-9a-f-]{36})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return null;
  const [, userId, expires, mac] = match;
  const expiresAt = Number(expires);
  const address = email(userId);
  if (expiresAt <= now || !address) return null;
  const given = Buffer.from(mac, 'base64url');
  const expected = proofMac(key, userId, address, expiresAt);
  return given.length === expected.length && timingSafeEqual(given, expected) ? userId : null;
}

export type ProveOutcome = 'proven' | 'already' | 'not_listed' | 'invalid';

export interface InstanceAdminsDeps {
  db: Db;
  /** `ADMIN_EMAILS`, normalised. */
  emails: readonly string[];
  /** The secrets key (SECRETS_KEY): proof links made by one process open on every other. */
  key: string;
  logger: Logger;
  mailer: Mailer | null;
  publicUrl: () => string;
  /** The person's admin standing changed: cached sessions and admissions go. */
  changed: (userId: string) => void;
}

export function createInstanceAdmins(deps: InstanceAdminsDeps) {
  const listed = new Set(deps.emails);
  const linkFor = (user: { id: string; email: string }) => {
    const expiresAt = Date.now() + ADMIN_PROOF_TTL_MS;
    return { url: `${deps.publicUrl()}${ADMIN_PROOF_PATH}?token=${proofToken(deps.key, user, expiresAt)}`, expiresAt: new Date(expiresAt) };
  };
  /** The operator's copy, whether or not it is mailed: reading the log proves running the server. */
  const logLink = (user: { id: string; email: string }, url: string) =>
    deps.logger.warn({ userId: user.id, email: user.email }, `ADMIN_EMAILS lists ${user.email}: to make the account admin, open this link while signed in as it: ${url}`);

  return {
    isListed: (email: string) => listed.has(normalizeEmail(email)),

    /** At start, before requests: listed admins no longer listed stop being admin. */
    async dropUnlisted(): Promise<void> {
      const dropped = await deps.db
        .update(users)
        .set({ isAdmin: false, adminVia: null })
        .where(and(eq(users.adminVia, 'list'), listed.size ? notInArray(users.email, [...listed]) : isNotNull(users.adminVia)))
        .returning({ id: users.id, email: users.email });
      for (const user of dropped) {
        deps.logger.info({ userId: user.id, email: user.email }, 'address is no longer in ADMIN_EMAILS: not an instance admin any more');
        deps.changed(user.id);
      }
    },

    /** At start, once links can name the server: listed accounts not proven yet get a proof link
     * in the log (not mailed again at every start). */
    async announcePending(): Promise<void> {
      if (!listed.size) return;
      const pending = await deps.db
        .select({ id: users.id, email: users.email })
        .from(users)
        .where(and(inArray(users.email, [...listed]), eq(users.isAdmin, false)));
      for (const user of pending) logLink(user, linkFor(user).url);
    },

    /** A new account: a listed address is sent its proof link (and the link is logged). */
    async accountCreated(user: User): Promise<void> {
      if (!listed.has(user.email)) return;
      const { url, expiresAt } = linkFor(user);
      logLink(user, url);
      if (!deps.mailer) return;
      await deps.mailer.sendAdminProof({ to: user.email, url, expiresAt }).catch((error: unknown) => {
        deps.logger.warn({ err: error instanceof Error ? error.message : String(error), userId: user.id }, 'admin proof mail failed; the link is in the log');
      });
    },

    /** The signed-in `user` opened a proof link. */
    async prove(user: User, token: string): Promise<ProveOutcome> {
      const [row] = await deps.db.select({ id: users.id, email: users.email }).from(users).where(eq(users.id, user.id));
      const owner = readProofToken(deps.key, token, (id) => (id === user.id && row ? row.email : null));
      // Forged, expired, or another account's link (it names the account it was made for).
      if (!owner) return 'invalid';
      if (!listed.has(row.email)) return 'not_listed';
      if (user.isAdmin) return 'already';
      await deps.db.update(users).set({ isAdmin: true, adminVia: 'list' }).where(and(eq(users.id, user.id), eq(users.isAdmin, false)));
      deps.logger.info({ userId: user.id, email: row.email }, 'ADMIN_EMAILS address proven: instance admin');
      deps.changed(user.id);
      return 'proven';
    },
  };
}

export type InstanceAdmins = ReturnType<typeof createInstanceAdmins>;
