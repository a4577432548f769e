/**
 * Presence as the form shows it: who is here (one entry per person, however many tabs), who has
 * which field focused, and avatar initials — from real y-protocols Awareness states.
 */
import { describe, expect, it } from 'vitest';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { focusedOn, initials, participantsOf, peopleOf } from '../client/session/presence.ts';

function awarenessWith(states: Record<number, Record<string, unknown>>): Awareness {
  const doc = new Y.Doc();
  const awareness = new Awareness(doc);
  awareness.setLocalState({ user: { id: 'u-me', name: 'Me', color: '#1971c2' }, focus: null });
  for (const [id, state] of Object.entries(states)) {
    awareness.states.set(Number(id), state);
    awareness.meta.set(Number(id), { clock: 1, lastUpdated: Date.now() });
  }
  return awareness;
}

describe('presence', () => {
  it('lists you first, then the others, and reads their focused field', () => {
    const awareness = awarenessWith({
      11: { user: { id: 'u-bob', name: 'Bob', color: '#2b8a3e' }, focus: { path: '/VENDOR' } },
      12: { user: { id: 'u-ada', name: 'Ada', color: '#c2255c' }, focus: null, cursor: { anchor: 1 } },
      13: { focus: { path: '/BOARD' } }, // no user: not shown
    });
    const list = participantsOf(awareness);
    expect(list.map((p) => [p.name, p.isLocal, p.focusPath, p.inNotes])).toEqual([
      ['Me', true, null, false],
      ['Ada', false, null, true],
      ['Bob', false, '/VENDOR', false],
    ]);
    expect(focusedOn(list, '/VENDOR').map((p) => p.name)).toEqual(['Bob']);
    expect(focusedOn(list, '/BOARD')).toEqual([]);
  });

  it('marks a list field when someone is on one of its items', () => {
    const list = participantsOf(awarenessWith({ 5: { user: { id: 'u-bob', name: 'Bob', color: '#2b8a3e' }, focus: { path: '/extraPackages/2' } } }));
    expect(focusedOn(list, '/extraPackages').map((p) => p.name)).toEqual(['Bob']);
    expect(focusedOn(list, '/extra')).toEqual([]);
  });

  it('counts two tabs of one account as one person', () => {
    const bob = { id: 'u-bob', name: 'Bob', color: '#2b8a3e' };
    const people = peopleOf(participantsOf(awarenessWith({ 7: { user: bob, focus: null }, 8: { user: bob, focus: { path: '/RELEASE' } } })));
    expect(people.map((p) => [p.name, p.tabs, p.focusPath])).toEqual([
      ['Me', 1, null],
      ['Bob', 2, '/RELEASE'],
    ]);
  });

  it('refuses colours that are not colours (they go into style attributes)', () => {
    const [, other] = participantsOf(awarenessWith({ 9: { user: { id: 'x', name: 'X', color: 'red;background:url(x)' } } }));
    expect(other.color).toBe('#6b7280');
  });

  it('makes initials from names, ignoring the guest suffix', () => {
    expect(initials('Ada Lovelace')).toBe('AL');
    expect(initials('Guest 7133 (guest)')).toBe('G7');
    expect(initials('bob')).toBe('BO');
    expect(initials('   ')).toBe('?');
  });
});
