/**
 * Lookup tables over the schema's facts, built once per schema so a full validation is a few
 * map reads rather than scans of 400 boards.
 */
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
