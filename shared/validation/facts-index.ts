/**
 * Lookup tables over the schema's facts, built once per schema so a full validation is a few
 * map reads rather than scans of 400 boards.
 */
import type { CustomBoard } from '../boards/custom-boards.ts';
import type { BoardFacts, ConfigSchema, EnumDetail, ReleaseFacts } from '../schema/types.ts';

export interface FactsIndex {
  readonly boards: ReadonlyMap<string, BoardFacts>;
  readonly releases: ReadonlyMap<string, ReleaseFacts>;
  readonly desktops: ReadonlyMap<string, EnumDetail>;
  /** Every value each enum property accepts, for rules that must not repeat an enum error. */
  readonly enums: ReadonlyMap<string, ReadonlySet<string>>;
}

export function indexFacts(schema: ConfigSchema): FactsIndex {
  const enums = new Map<string, ReadonlySet<string>>();
  for (const [name, property] of Object.entries(schema.properties)) {
    if (property.enum) enums.set(name, new Set(property.enum));
  }
  return {
    boards: new Map(schema['x-boards'].map((b) => [b.board, b])),
    releases: new Map(schema['x-releases'].map((r) => [r.release, r])),
    desktops: new Map((schema.properties.DESKTOP_ENVIRONMENT?.['x-enum-details'] ?? []).map((d) => [d.value, d])),
    enums,
  };
}

/**
 * The index with a configuration's own boards (shared/boards/custom-boards.ts) on top: a board the
 * framework would resolve replaces or joins the framework's; one it would refuse leaves the board
 * map (no rule may run on facts the build would not have) but joins the BOARD enum, so it is
 * reported once, as the board file's problem, not also as an unknown board.
 */
export function withCustomBoards(facts: FactsIndex, custom: ReadonlyMap<string, CustomBoard>): FactsIndex {
  if (custom.size === 0) return facts;
  const boards = new Map(facts.boards);
  for (const [id, board] of custom) {
    if (board.facts) boards.set(id, board.facts);
    else boards.delete(id);
  }
  const enums = new Map(facts.enums);
  enums.set('BOARD', new Set([...(facts.enums.get('BOARD') ?? []), ...custom.keys()]));
  return { ...facts, boards, enums };
}
