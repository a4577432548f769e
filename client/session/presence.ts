/**
 * Presence from awareness: who is in the configuration, in which colour, and where.
 *
 * Each client publishes `user: { name, color }` (until accounts land: a locally chosen guest
 * name), `focus: { path }` with the JSON Pointer of the focused field (or null), and — from the
 * notes editor — `cursor` while its caret is in the notes.
 */
import type { Awareness } from 'y-protocols/awareness';
import { readableColor } from './readable-color.ts';

export interface Participant {
  clientId: number;
  /** The account (or guest) behind this client, as the server stamped it; tabs of one person share it. */
  userId: string;
  name: string;
  color: string;
  /** JSON Pointer of the field this participant has focused, or null. */
  focusPath: string | null;
  /** The participant's caret is in the notes. */
  inNotes: boolean;
  isLocal: boolean;
}

/** Colour values we accept from other clients: they go into style attributes. */
const COLOR_RE = /^#[0-9a-fA-F]{3,8}$/;
const FALLBACK_COLOR = '#6b7280';
/** Names are shown in markers and lists; longer ones are cut rather than breaking the layout. */
const MAX_NAME_LENGTH = 40;

function readState(clientId: number, state: Record<string, unknown>, localId: number): Participant | null {
  const user = state.user as { name?: unknown; color?: unknown } | undefined;
  if (!user || typeof user.name !== 'string') return null;
  const focus = state.focus as { path?: unknown } | null | undefined;
  return {
    clientId,
    userId: typeof (user as { id?: unknown }).id === 'string' ? (user as { id: string }).id : `client:${clientId}`,
    name: user.name.slice(0, MAX_NAME_LENGTH),
    color: typeof user.color === 'string' && COLOR_RE.test(user.color) ? readableColor(user.color) : FALLBACK_COLOR,
    focusPath: focus && typeof focus.path === 'string' ? focus.path : null,
    inNotes: state.cursor !== null && state.cursor !== undefined,
    isLocal: clientId === localId,
  };
}

/** Everyone with a user entry, you first, then by name. */
export function participantsOf(awareness: Awareness): Participant[] {
  const list: Participant[] = [];
  for (const [clientId, state] of awareness.getStates()) {
    const p = readState(clientId, state as Record<string, unknown>, awareness.clientID);
    if (p) list.push(p);
  }
  return list.sort((a, b) => Number(b.isLocal) - Number(a.isLocal) || a.name.localeCompare(b.name) || a.clientId - b.clientId);
}

/** One entry per person (several tabs of one account are one person), with how many tabs. */
export interface Person extends Participant {
  tabs: number;
}

export function peopleOf(participants: readonly Participant[]): Person[] {
  const byUser = new Map<string, Person>();
  for (const p of participants) {
    const known = byUser.get(p.userId);
    if (!known) {
      byUser.set(p.userId, { ...p, tabs: 1 });
      continue;
    }
    known.tabs += 1;
    known.isLocal ||= p.isLocal;
    known.focusPath ??= p.focusPath;
    known.inNotes ||= p.inNotes;
  }
  return [...byUser.values()];
}

/** The other participants focused on `pointer` or on something inside it. */
export function focusedOn(participants: readonly Participant[], pointer: string): Participant[] {
  return participants.filter(
    (p) => !p.isLocal && p.focusPath !== null && (p.focusPath === pointer || p.focusPath.startsWith(pointer + '/')),
  );
}

/** Initials for an avatar: "Guest 1234 (guest)" → "G1", "Ada Lovelace" → "AL". */
export function initials(name: string): string {
  const words = name
    .replace(/\([^)]*\)/g, ' ')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  if (words.length === 0) return '?';
  if (words.length === 1) return words[0].slice(0, 2).toUpperCase();
  return (words[0][0] + words[1][0]).toUpperCase();
}
