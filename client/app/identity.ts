/**
 * Who this browser is until accounts land: a guest name and colour chosen once and kept in
 * localStorage. The server will stamp presence identity from the session later; the client then
 * shows what the server says.
 */

export interface Identity {
  name: string;
  color: string;
}

const STORAGE_KEY = 'boardroom.identity';

/** Distinct, readable on white, and legible as text colour for name tags. */
export const GUEST_COLORS = ['#d9480f', '#2b8a3e', '#1971c2', '#9c36b5', '#c2255c', '#0b7285', '#5f3dc4', '#e67700'] as const;

export function randomIdentity(random: () => number = Math.random): Identity {
  const number = 1000 + Math.floor(random() * 9000);
  const color = GUEST_COLORS[Math.floor(random() * GUEST_COLORS.length)];
  return { name: `Guest ${number}`, color };
}

export function loadIdentity(storage: Pick<Storage, 'getItem' | 'setItem'>): Identity {
  try {
    const stored = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null') as Partial<Identity> | null;
    if (stored && typeof stored.name === 'string' && typeof stored.color === 'string') {
      return { name: stored.name, color: stored.color };
    }
  } catch (error) {
    console.warn('ignoring an unreadable stored identity', error);
  }
  const identity = randomIdentity();
  storage.setItem(STORAGE_KEY, JSON.stringify(identity));
  return identity;
}
