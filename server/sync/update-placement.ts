/**
 * Where each struct of a client's update would land, decided before the update is applied, and
 * whether the document layout has a visible place for it there.
 *
 * A Yjs item does not say which type it belongs to in a way the typings show: it names a root
 * (string), a parent type's item (ID), or nothing, in which case it inherits the parent and map key
 * of its left neighbour (`origin`), else of its right one (`rightOrigin`) — exactly what
 * `Item.getMissing` does when Yjs integrates it. This module repeats that resolution against the
 * room's document and the update itself, then checks each placement against `PLACES`. The roots
 * and their kinds are the document layout's (`shared/doc-layout.ts`); a root it does not declare is
 * refused. What each kind of type may hold is in `placement-rules.ts`.
 *
 * Structs whose dependencies the server lacks are refused too: Yjs would keep them pending in
 * memory, unchecked, and hand them to every client in its next sync step 2.
 */
import * as Y from 'yjs';
import {
  CONTENT_WORDS,
  contentKind,
  FORBIDDEN_KEY,
  parentWords,
  PLACES,
  ROOTS,
  rootPlacement,
  treeEntryRefusal,
  typeKind,
  type Placement,
  type RootsByName,
} from './placement-rules.ts';

type Struct = Y.Item | Y.GC | Y.Skip;

/** Finds structs by id in the update (sorted per client) and in the document's store. */
class StructIndex {
  private readonly byClient = new Map<number, Struct[]>();

  constructor(
    readonly doc: Y.Doc,
    structs: readonly Struct[],
  ) {
    for (const s of structs) {
      let list = this.byClient.get(s.id.client);
      if (!list) this.byClient.set(s.id.client, (list = []));
      list.push(s);
    }
    for (const list of this.byClient.values()) list.sort((a, b) => a.id.clock - b.id.clock);
  }

  /** Clock up to which the document already has `client`'s structs. */
  known(client: number): number {
    return Y.getState(this.doc.store, client);
  }

  /** Clock up to which `client`'s structs exist once the update is applied. */
  reach(client: number): number {
    const list = this.byClient.get(client);
    const last = list?.[list.length - 1];
    return Math.max(this.known(client), last ? last.id.clock + last.length : 0);
  }

  inDoc(id: Y.ID): Y.Item | Y.GC | undefined {
    if (id.clock >= this.known(id.client)) return undefined;
    const structs = this.doc.store.clients.get(id.client);
    return structs ? structs[Y.findIndexSS(structs, id.clock)] : undefined;
  }

  inUpdate(id: Y.ID): Struct | undefined {
    const list = this.byClient.get(id.client);
    if (!list) return undefined;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = list[mid];
      if (id.clock < s.id.clock) hi = mid - 1;
      else if (id.clock >= s.id.clock + s.length) lo = mid + 1;
      else return s;
    }
    return undefined;
  }
}

/** The refusal for structs Yjs would keep pending (their dependencies are not in the document). */
export const MISSING_DEPENDENCY = 'update depends on changes the server does not have';
const MISSING = MISSING_DEPENDENCY;

export class PlacementResolver {
  private readonly index: StructIndex;
  private readonly memo = new Map<Y.Item, Placement>();
  /** Parent items of the update being resolved right now (a crafted cycle of parents ends here). */
  private readonly resolving = new Set<Y.Item>();
  /** The document's root types by name, the other way round. */
  private readonly rootNames: Map<Y.AbstractType<unknown>, string>;

  constructor(
    doc: Y.Doc,
    private readonly structs: readonly Struct[],
    /** The roots of the room's document (default the main document's). */
    private readonly roots: RootsByName = ROOTS,
  ) {
    this.index = new StructIndex(doc, structs);
    this.rootNames = new Map([...doc.share.entries()].map(([name, type]) => [type as Y.AbstractType<unknown>, name]));
  }

  /** The root a type of the document lives under, or undefined (a detached type). */
  private rootNameOf(type: Y.AbstractType<unknown>): string | undefined {
    let t = type;
    while (t._item) t = t._item.parent as Y.AbstractType<unknown>;
    return this.rootNames.get(t);
  }

  /** The root `item` of the update lands under, or undefined when it lands nowhere (refused, or
   * its parent is gone). */
  rootOf(item: Y.Item): string | undefined {
    const placement = this.placementOf(item);
    return 'under' in placement ? placement.under : undefined;
  }

  /**
   * The roots whose content the update deletes: the roots of the structs its delete set names,
   * in the document or in the update itself. Call after `deletions` found nothing to refuse.
   */
  deletedRoots(ds: { clients: Map<number, Array<{ clock: number; len: number }>> }): Set<string> {
    const roots = new Set<string>();
    for (const [client, ranges] of ds.clients) {
      const inDoc = this.index.doc.store.clients.get(client);
      const known = this.index.known(client);
      for (const { clock, len } of ranges) {
        const end = clock + len;
        if (inDoc && clock < known) {
          for (let i = Y.findIndexSS(inDoc, clock); i < inDoc.length && inDoc[i].id.clock < end; i++) {
            const s = inDoc[i];
            const name = s instanceof Y.Item && s.parent ? this.rootNameOf(s.parent as Y.AbstractType<unknown>) : undefined;
            if (name) roots.add(name);
          }
        }
        for (let c = Math.max(clock, known); c < end; ) {
          const s = this.index.inUpdate(Y.createID(client, c));
          if (!s) break;
          const name = s instanceof Y.Item ? this.rootOf(s) : undefined;
          if (name) roots.add(name);
          c = s.id.clock + s.length;
        }
      }
    }
    return roots;
  }

  /**
   * A reason to refuse the update for how it lists its structs. Each client's structs come as one
   * run of consecutive clocks (the decoder counts them so); a client listed twice is refused, since
   * `Y.applyUpdate` would keep only its last run and this check would have seen both. A run that
   * starts past what the document has, or a skip, leaves a gap: Yjs would keep the rest pending.
   */
  listing(): { reason: string; retry: boolean } | undefined {
    const seen = new Set<number>();
    let current: number | undefined;
    for (const s of this.structs) {
      if (s instanceof Y.Skip) return { reason: MISSING, retry: true };
      if (s.id.client === current) continue;
      current = s.id.client;
      if (seen.has(current)) return { reason: 'update lists a client twice', retry: false };
      seen.add(current);
      if (s.id.clock > this.index.known(current)) return { reason: MISSING, retry: true };
    }
    return undefined;
  }

  /**
   * A reason to refuse deletions of structs that exist neither in the document nor in the update.
   * Yjs keeps them pending and applies them when the structs arrive: another person's next edit
   * would vanish on arrival, for everyone but its author.
   */
  deletions(ds: { clients: Map<number, Array<{ clock: number; len: number }>> }): string | undefined {
    for (const [client, ranges] of ds.clients) {
      const reach = this.index.reach(client);
      for (const range of ranges) if (range.clock + range.len > reach) return MISSING;
    }
    return undefined;
  }

  /** Why `item` has no place in the layout, or undefined when it does. */
  refusal(item: Y.Item): string | undefined {
    const placement = this.placementOf(item);
    if ('refused' in placement) return placement.refused;
    if ('gone' in placement) return undefined;
    const kind = contentKind(item.content);
    if (kind === 'deleted') return undefined;
    // `toJSON` and `getAttributes` build plain objects: this key would set their prototype, so the
    // values behind it are inherited by every reader yet invisible to the schema check.
    if (placement.key === FORBIDDEN_KEY || (item.content instanceof Y.ContentFormat && item.content.key === FORBIDDEN_KEY)) {
      return `update uses the key "${FORBIDDEN_KEY}"`;
    }
    const allowed = placement.key === null ? PLACES[placement.parent].list : PLACES[placement.parent].keyed;
    if (allowed.includes(kind)) {
      const tree = placement.parent === 'filesRoot' || placement.parent === 'modesRoot';
      return tree && placement.key !== null ? treeEntryRefusal(placement.parent, placement.key, item) : undefined;
    }
    const where = placement.key === null ? 'as content of' : 'as a keyed entry of';
    return `update puts ${CONTENT_WORDS[kind]} ${where} ${parentWords(placement, this.roots)}`;
  }

  /** The root and key of a keyed entry placed directly in a root, or undefined. */
  rootEntry(item: Y.Item): { root: string; key: string } | undefined {
    const placement = this.placementOf(item);
    if ('refused' in placement || 'gone' in placement || placement.root === undefined || placement.key === null) return undefined;
    return { root: placement.root, key: placement.key };
  }

  /** Placement of a struct found in the document (already integrated: its parent is resolved). */
  private docPlacement(struct: Y.Item | Y.GC): Placement {
    if (!(struct instanceof Y.Item) || !struct.parent) return { gone: true };
    const parent = struct.parent as Y.AbstractType<unknown>;
    if (parent._item === null) {
      const name = [...this.index.doc.share.entries()].find(([, t]) => t === parent)?.[0];
      const root = name === undefined ? undefined : this.roots.get(name);
      return root ? rootPlacement(root, struct.parentSub) : { refused: 'update writes under a root the layout does not have' };
    }
    const under = this.rootNameOf(parent);
    return under === undefined ? { gone: true } : { parent: typeKind(parent), key: struct.parentSub, under };
  }

  /**
   * One resolution step for an update item: a placement, or the update item it inherits from.
   * Mirrors `Item.getMissing`: explicit parent; else a GC neighbour discards it; else left, then right.
   */
  private step(item: Y.Item): Placement | { from: Y.Item } {
    const parent: unknown = item.parent;
    if (typeof parent === 'string') {
      const root = this.roots.get(parent);
      return root ? rootPlacement(root, item.parentSub) : { refused: `update writes to unknown root "${parent.slice(0, 40)}"` };
    }
    if (parent instanceof Y.ID) {
      const inDoc = this.index.inDoc(parent);
      const holder = inDoc ?? this.index.inUpdate(parent);
      if (!holder || holder instanceof Y.Skip) return { refused: MISSING };
      if (holder instanceof Y.GC || holder.content instanceof Y.ContentDeleted) return { gone: true };
      if (!(holder.content instanceof Y.ContentType)) return { refused: 'update names a parent that is not a shared type' };
      const kind = typeKind(holder.content.type);
      const under = inDoc ? (this.rootNameOf(holder.parent as Y.AbstractType<unknown>) ?? { gone: true as const }) : this.underOfUpdateHolder(holder);
      if (typeof under !== 'string') return under;
      return { parent: kind, key: item.parentSub, under };
    }
    const find = (id: Y.ID | null) => {
      if (!id) return null;
      const known = this.index.inDoc(id);
      if (known) return { struct: known, inDoc: true };
      const pending = this.index.inUpdate(id);
      return pending ? { struct: pending, inDoc: false } : undefined;
    };
    const left = find(item.origin);
    const right = find(item.rightOrigin);
    if (left === undefined || right === undefined) return { refused: MISSING };
    if (left?.struct instanceof Y.Skip || right?.struct instanceof Y.Skip) return { refused: MISSING };
    if (left?.struct instanceof Y.GC || right?.struct instanceof Y.GC) return { gone: true };
    const neighbour = left ?? right;
    if (!neighbour) return { refused: 'update has an item without a parent' };
    if (neighbour.inDoc) return this.docPlacement(neighbour.struct as Y.Item);
    return { from: neighbour.struct as Y.Item };
  }

  /** The root a parent item of the update lives under, resolved like any item of the update
   * (types nest a few levels deep, so this recursion is only as deep as the nesting; a crafted
   * cycle of parents is refused). */
  private underOfUpdateHolder(holder: Y.Item): string | { refused: string } | { gone: true } {
    if (this.resolving.has(holder)) return { refused: MISSING };
    this.resolving.add(holder);
    try {
      const placement = this.placementOf(holder);
      return 'under' in placement ? placement.under : placement;
    } finally {
      this.resolving.delete(holder);
    }
  }

  /** Resolves without recursion: an update may chain thousands of items through their origins. */
  private placementOf(start: Y.Item): Placement {
    const stack: Y.Item[] = [start];
    const onStack = new Set<Y.Item>([start]);
    while (stack.length > 0) {
      const item = stack[stack.length - 1];
      if (this.memo.has(item)) {
        stack.pop();
        onStack.delete(item);
        continue;
      }
      const step = this.step(item);
      if (!('from' in step)) {
        this.memo.set(item, step);
      } else if (this.memo.has(step.from)) {
        this.memo.set(item, this.memo.get(step.from)!);
      } else if (onStack.has(step.from)) {
        this.memo.set(item, { refused: MISSING });
      } else {
        stack.push(step.from);
        onStack.add(step.from);
        continue;
      }
      stack.pop();
      onStack.delete(item);
    }
    return this.memo.get(start)!;
  }
}
