/**
 * The one rule for where sign-in returns to (`shared/safe-next.ts`), used by the server's GitHub
 * round trip and the browser's sign-in page: a path on this origin, or the start page. The
 * attacker cases are the ones a browser would follow off-site.
 */
import { describe, expect, it } from 'vitest';
import { MAX_NEXT_LENGTH, safeNext } from '../shared/safe-next.ts';

describe('safeNext', () => {
  it('keeps a path of ours, with its query and fragment', () => {
    expect(safeNext('/')).toBe('/');
    expect(safeNext('/c/3f2b9c1e-8a1d-4d6e-9a77-2b0c1e5d4f00')).toBe('/c/3f2b9c1e-8a1d-4d6e-9a77-2b0c1e5d4f00');
    expect(safeNext('/invite/abc_DEF-123?x=1#top')).toBe('/invite/abc_DEF-123?x=1#top');
    expect(safeNext('/c/x?name=a%2Fb%20c')).toBe('/c/x?name=a%2Fb%20c');
  });

  it('gives the start page when there is nothing to follow', () => {
    expect(safeNext(undefined)).toBe('/');
    expect(safeNext(null)).toBe('/');
    expect(safeNext('')).toBe('/');
  });

  it('refuses other hosts, however they are spelled', () => {
    for (const attack of [
      '//evil.com',
      '//evil.com/c/1',
      '/\\evil.com',
      '\\\\evil.com',
      '/c/\\..\\\\evil.com',
      'https://evil.com',
      'http:evil.com',
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'evil.com',
      ' /c/1',
    ]) {
      expect(safeNext(attack), attack).toBe('/');
    }
  });

  it('refuses percent-encoded slashes and backslashes that decode to another host', () => {
    for (const attack of ['/%2Fevil.com', '/%2fevil.com', '/%5Cevil.com', '/%5cevil.com', '%2F%2Fevil.com', '/%09/evil.com', '/%0d%0aLocation:%20https://evil.com']) {
      expect(safeNext(attack), attack).toBe('/');
    }
    // A malformed escape is no path of ours (and never a thrown URIError).
    expect(safeNext('/c/%E0%A4%A')).toBe('/');
  });

  it('refuses control characters: browsers drop tabs and line breaks, CR/LF would split a header', () => {
    for (const attack of ['/\t/evil.com', '/\n/evil.com', '/\r\n/evil.com', '/c/1\r\nSet-Cookie: a=b', '/c/\u0000', '/c/\u007f', '/c/\u0085']) {
      expect(safeNext(attack), JSON.stringify(attack)).toBe('/');
    }
  });

  it('refuses a next longer than any path of ours', () => {
    const long = '/c/' + 'a'.repeat(MAX_NEXT_LENGTH);
    expect(safeNext(long)).toBe('/');
    expect(safeNext(long.slice(0, MAX_NEXT_LENGTH))).toBe(long.slice(0, MAX_NEXT_LENGTH));
  });
});
