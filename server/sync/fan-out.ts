/**
 * What one fan-out of a room sends (docs/architecture.md, "Fan-out"): the changes committed since
 * the room's last fan-out, whoever made them, leave as one update: one publication on the bus,
 * one encoded frame for every connection that authored none of them. An author never gets its
 * own changes back (it has them); it gets one frame with the rest: other people's changes of the
 * same flush and what the server did on top of its own (repairs), or nothing when there is no
 * rest. Pure: the room sends what this plans.
 */
import * as Y from 'yjs';

/** A change group as the room keeps it: who sent it (null: the server or a REST write) and its
 * updates, each with its transaction's origin (an author's own are `author.origin`). */
export interface FanOutGroup<C extends { readonly origin: unknown }> {
  author: C | null;
  updates: ReadonlyArray<{ update: Uint8Array; origin: unknown }>;
}

export interface FanOutPlan<C> {
  /** Every update of the flush as one: for the bus and every connection not among the authors. */
  merged: Uint8Array;
  /** Each author and what it lacks of the flush (null: nothing). */
  authors: Map<C, Uint8Array | null>;
}

function mergeAll(updates: readonly Uint8Array[]): Uint8Array {
  return updates.length === 1 ? updates[0] : Y.mergeUpdates(updates as Uint8Array[]);
}

export function planFanOut<C extends { readonly origin: unknown }>(groups: ReadonlyArray<FanOutGroup<C>>): FanOutPlan<C> {
  const all: Uint8Array[] = [];
  for (const g of groups) for (const u of g.updates) all.push(u.update);
  const authors = new Map<C, Uint8Array | null>();
  for (const g of groups) {
    if (!g.author || authors.has(g.author)) continue;
    const origin = g.author.origin;
    const rest: Uint8Array[] = [];
    for (const h of groups) for (const u of h.updates) if (u.origin !== origin) rest.push(u.update);
    authors.set(g.author, rest.length === 0 ? null : mergeAll(rest));
  }
  return { merged: mergeAll(all), authors };
}
