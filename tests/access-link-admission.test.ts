/**
 * Share links at admission (server/access/link-admission.ts), on its own: one lookup per link
 * however many guests arrive, nothing remembered past an invalidation that concerns the link,
 * and uses added up and written once per link.
 */
import { describe, expect, it } from 'vitest';
import { createLinkAdmission } from '../server/access/link-admission.ts';
import type { ShareLink } from '../server/auth/access-store.ts';

const CONFIG = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';

function linkOf(id: string, configId = CONFIG) {
  return { id, configId, role: 'editor', kind: 'live', label: null, expiresAt: null, createdAt: new Date(), lastUsedAt: null, uses: 0, revokedAt: null, snapshotJson: null, snapshotState: null } as ShareLink & {
    snapshotJson: unknown;
    snapshotState: Uint8Array | null;
  };
}

function harness(links: Record<string, ReturnType<typeof linkOf> | null>) {
  const lookups: string[] = [];
  const written: Array<[string, number]> = [];
  let release: (() => void) | null = null;
  const admission = createLinkAdmission(
    {
      resolveShare: async (token) => {
        lookups.push(token);
        if (token === 'slow') await new Promise<void>((r) => (release = r));
        return links[token] ?? null;
      },
      addShareUses: async (linkId, uses) => void written.push([linkId, uses]),
    },
    { flushIntervalMs: 60_000 },
  );
  return { admission, lookups, written, release: () => release?.() };
}

describe('share links at admission', () => {
  it('looks a link up once for a crowd of guests, and again after an invalidation of that link', async () => {
    const { admission, lookups } = harness({ a: linkOf('link-a'), b: linkOf('link-b', OTHER) });
    await Promise.all([admission.resolveShare('a'), admission.resolveShare('a'), admission.resolveShare('a')]);
    await admission.resolveShare('a');
    expect(lookups).toEqual(['a']);
    await admission.resolveShare('b');
    // A member's role changed, a session ended: links stay.
    admission.forget({ configId: CONFIG, userId: 'someone' });
    admission.forget({ sessionId: 'session' });
    await admission.resolveShare('a');
    expect(lookups).toEqual(['a', 'b']);
    // The link edited or revoked: looked up again; the other configuration's link is kept.
    admission.forget({ configId: CONFIG, linkId: 'link-a' });
    await admission.resolveShare('a');
    await admission.resolveShare('b');
    expect(lookups).toEqual(['a', 'b', 'a']);
    // The configuration deleted (no link named): all its links go.
    admission.forget({ configId: OTHER });
    await admission.resolveShare('b');
    expect(lookups).toEqual(['a', 'b', 'a', 'b']);
    await admission.close();
  });

  it('keeps no unknown or inactive token, and nothing a lookup found before an invalidation', async () => {
    const { admission, lookups, release } = harness({ slow: linkOf('link-slow') });
    expect(await admission.resolveShare('unknown')).toBeNull();
    expect(await admission.resolveShare('unknown')).toBeNull();
    expect(lookups).toEqual(['unknown', 'unknown']);
    const answer = admission.resolveShare('slow');
    admission.forget({ configId: CONFIG, linkId: 'link-slow' });
    release();
    expect((await answer)?.id).toBe('link-slow');
    expect(admission.size).toBe(0);
    await admission.close();
  });

  it('adds uses up and writes each link once per flush; nothing when nobody came', async () => {
    const { admission, written } = harness({});
    const a = linkOf('link-a');
    const b = linkOf('link-b');
    for (let i = 0; i < 3; i++) admission.countUse(a);
    admission.countUse(b);
    await admission.flush();
    expect(written).toEqual([
      ['link-a', 3],
      ['link-b', 1],
    ]);
    await admission.flush();
    admission.countUse(a);
    await admission.close();
    expect(written).toEqual([
      ['link-a', 3],
      ['link-b', 1],
      ['link-a', 1],
    ]);
  });
});
