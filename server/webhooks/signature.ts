/**
 * The signature header (docs/webhooks.md, "Verifying a delivery"):
 * `Boardroom-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 over "<t>.<body>">`. The timestamp is
 * part of what is signed, so a captured delivery replayed later fails the receiver's tolerance
 * window; the body is signed byte for byte as sent.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'Boardroom-Signature';
export const EVENT_HEADER = 'Boardroom-Event';
export const DELIVERY_HEADER = 'Boardroom-Delivery';
/** What docs/webhooks.md recommends receivers accept: five minutes either way. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${signatureOf(secret, timestamp, body)}`;
}

export type VerifyResult = { ok: true; timestamp: number } | { ok: false; reason: 'malformed' | 'too_old' | 'mismatch' };

/** What a receiver does (and what the tests do as the receiver): parse, check the window, compare
 * in constant time. Several `v1=` (a receiver in the middle of a secret rotation) are each tried. */
export function verifySignature(header: string | null | undefined, secret: string, body: string, nowSeconds: number, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS): VerifyResult {
  if (!header) return { ok: false, reason: 'malformed' };
  let timestamp: number | null = null;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.split('=', 2).map((s) => s?.trim());
    if (key === 't' && value && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && value && /^[0-9a-f]{64}$/.test(value)) candidates.push(value);
  }
  if (timestamp === null || candidates.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, reason: 'too_old' };
  const expected = Buffer.from(signatureOf(secret, timestamp, body), 'hex');
  const ok = candidates.some((c) => timingSafeEqual(Buffer.from(c, 'hex'), expected));
  return ok ? { ok: true, timestamp } : { ok: false, reason: 'mismatch' };
}
