/**
 * The address an invitation link is sent to (a configuration's or an organisation's): normalised
 * the way accounts are, then checked for the form of an address. The address is only where the
 * link goes; whoever opens the link proves they received it (docs/security.md, "Invitations").
 */
import { normalizeEmail } from '../auth/accounts.ts';
import { ApiError } from '../http-errors.ts';

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** The longest address SMTP allows (RFC 5321). */
export const MAX_EMAIL_LENGTH = 254;

/** The normalised address, or 422 naming `/email`. */
export function inviteeAddress(raw: string): string {
  const email = normalizeEmail(raw);
  if (email.length > MAX_EMAIL_LENGTH || !EMAIL_RE.test(email)) {
    throw new ApiError(422, 'validation_failed', 'email must be an address', [{ path: '/email', message: 'email must be an address', keyword: 'format' }]);
  }
  return email;
}
