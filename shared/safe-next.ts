/**
 * Where to send someone after they sign in (`?next=` of the sign-in page, the GitHub round trip):
 * the one rule, used by the server (`server/auth/github-routes.ts`) and the browser
 * (`client/app/app.tsx`), so an attacker's link can never make us redirect off-site (an open
 * redirect is a phishing tool with our name on it).
 *
 * Only a path on this origin is followed: it starts with exactly one '/', and neither it nor its
 * percent-decoded form has a second '/' or a '\' right after it (`//evil.com` and `/\evil.com` are
 * other hosts to a browser), a backslash anywhere, or a control character (browsers drop tabs and
 * line breaks from URLs, so `/\t/evil.com` would become `//evil.com`; CR/LF would split a
 * Location header). Anything else, including a malformed escape, gives the start page.
 * Browser-safe.
 */

/** Longer than any path of ours; a longer `next` is not one of our links. */
export const MAX_NEXT_LENGTH = 512;

const START_PAGE = '/';
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

function isSamePath(value: string): boolean {
  return value.startsWith('/') && value[1] !== '/' && !value.includes('\\') && !CONTROL_CHARS.test(value);
}

export function safeNext(next: string | null | undefined): string {
  if (typeof next !== 'string' || next.length > MAX_NEXT_LENGTH || !isSamePath(next)) return START_PAGE;
  let decoded: string;
  try {
    decoded = decodeURIComponent(next);
  } catch {
    return START_PAGE;
  }
  return isSamePath(decoded) ? next : START_PAGE;
}
