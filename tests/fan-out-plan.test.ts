/**
 * The fan-out plan (server/sync/fan-out.ts): one merged update for everyone who authored nothing
 * of the flush; each author gets the rest and never its own changes.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { planFanOut, type FanOutGroup } from '../server/sync/fan-out.ts';

interface FakeConn {
  readonly name: string;
  readonly origin: { kind: 'client'; name: string };
}
const conn = (name: string): FakeConn => ({ name, origin: { kind: 'client', name } });
const SERVER = { kind: 'server' };

/** Real Yjs updates: one per appended entry of the `list` array, from a doc of its own. */
function updatesOf(...entries: string[]): Uint8Array[] {
  const doc = new Y.Doc();
  const out: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => out.push(u));
  for (const e of entries) doc.getArray<string>('list').push([e]);
  doc.destroy();
  return out;
}

function contentOf(...updates: Array<Uint8Array | null | undefined>): string[] {
  const doc = new Y.Doc();
  for (const u of updates) if (u) Y.applyUpdate(doc, u);
  const list = doc.getArray<string>('list').toArray().sort();
  doc.destroy();
  return list;
}

describe('planFanOut', () => {
  it('sends one author\'s single change to everyone else as it is, and nothing back', () => {
    const a = conn('a');
    const [u] = updatesOf('a1');
    const plan = planFanOut<FakeConn>([{ author: a, updates: [{ update: u, origin: a.origin }] }]);
    expect(plan.merged).toBe(u);
    expect([...plan.authors]).toEqual([[a, null]]);
  });

  it('merges everything of a flush into one update for the others; each author gets only the rest', () => {
    const a = conn('a');
    const b = conn('b');
    const [a1, a2] = updatesOf('a1', 'a2');
    const [b1] = updatesOf('b1');
    const [repair] = updatesOf('repair');
    const groups: Array<FanOutGroup<FakeConn>> = [
      { author: a, updates: [{ update: a1, origin: a.origin }] },
      { author: b, updates: [{ update: b1, origin: b.origin }, { update: repair, origin: SERVER }] },
      { author: a, updates: [{ update: a2, origin: a.origin }] },
      { author: null, updates: [] },
    ];
    const plan = planFanOut(groups);
    expect(contentOf(plan.merged)).toEqual(['a1', 'a2', 'b1', 'repair']);
    expect(plan.authors.size).toBe(2);
    expect(contentOf(plan.authors.get(a))).toEqual(['b1', 'repair']);
    // The repair was made on b's change by the server: b lacks it too.
    expect(contentOf(plan.authors.get(b))).toEqual(['a1', 'a2', 'repair']);
  });

  it('gives an author the server\'s repair of its own change', () => {
    const a = conn('a');
    const [a1] = updatesOf('a1');
    const [fix] = updatesOf('fix');
    const plan = planFanOut<FakeConn>([{ author: a, updates: [{ update: a1, origin: a.origin }, { update: fix, origin: SERVER }] }]);
    expect(contentOf(plan.merged)).toEqual(['a1', 'fix']);
    expect(contentOf(plan.authors.get(a))).toEqual(['fix']);
  });

  it('has no authors for a REST write or a server change', () => {
    const [u] = updatesOf('rest');
    const plan = planFanOut<FakeConn>([{ author: null, updates: [{ update: u, origin: { kind: 'actor' } }] }]);
    expect(plan.authors.size).toBe(0);
    expect(contentOf(plan.merged)).toEqual(['rest']);
  });
});
