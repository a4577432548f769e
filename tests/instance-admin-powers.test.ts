/**
 * The instance admin's powers are listed once (server/access/admin-powers.ts) and that list is
 * what docs/security.md shows; ADMIN_EMAILS is read like account addresses; a proof link cannot be
 * made without the key, nor used for another account or after it expires.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ADMIN_POWERS } from '../server/access/admin-powers.ts';
import { parseAdminEmails, proofToken, readProofToken } from '../server/auth/instance-admins.ts';

const security = readFileSync(new URL('../docs/security.md', import.meta.url), 'utf8');

describe('instance admin powers', () => {
  it('docs/security.md lists exactly ADMIN_POWERS', () => {
    const section = /<!-- admin-powers -->\n([\s\S]*?)\n<!-- \/admin-powers -->/.exec(security)?.[1];
    expect(section).toBeDefined();
    expect(section).toBe(
      Object.entries(ADMIN_POWERS)
        .map(([power, text]) => `- \`${power}\`: ${text}`)
        .join('\n'),
    );
  });

  it('ADMIN_EMAILS is a comma list, lower-cased and trimmed, without empties or repeats', () => {
    expect(parseAdminEmails(undefined)).toEqual([]);
    expect(parseAdminEmails(' Alice@Corp.example , ,bob@corp.example,ALICE@corp.example ')).toEqual(['alice@corp.example', 'bob@corp.example']);
  });

  it('a proof token is good only with its key, for its account and address, until it expires', () => {
    const alice = { id: '11111111-1111-4111-8111-111111111111', email: 'alice@corp.example' };
    const now = Date.now();
    const token = proofToken('key-1', alice, now + 60_000);
    const emailOf = (id: string) => (id === alice.id ? alice.email : null);
    expect(readProofToken('key-1', token, emailOf, now)).toBe(alice.id);
    expect(readProofToken('key-2', token, emailOf, now)).toBeNull();
    expect(readProofToken('key-1', token, emailOf, now + 60_000)).toBeNull();
    // The account's address changed, or the token is asked about for another account.
    expect(readProofToken('key-1', token, () => 'mallory@corp.example', now)).toBeNull();
    expect(readProofToken('key-1', token, () => null, now)).toBeNull();
    // A later expiry written into the token breaks its signature.
    const [id, , mac] = token.split('.');
    expect(readProofToken('key-1', `${id}.${now + 9_999_999}.${mac}`, emailOf, now)).toBeNull();
    for (const junk of ['', 'x', `${token}x`, token.replace(/\./g, '')]) expect(readProofToken('key-1', junk, emailOf, now)).toBeNull();
  });
});
