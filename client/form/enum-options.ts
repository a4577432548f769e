/**
 * Choices offered by a select, narrowed to what the chosen board allows: the kernel branches the
 * board lists, the releases built for its architecture. A value that is set but not offered stays
 * in the list, marked, so a remote or imported value never silently disappears from view.
 */
import type { CustomBoard } from '../../shared/boards/custom-boards.ts';
import type { BoardFacts, ConfigSchema, ReleaseFacts } from '../../shared/schema/types.ts';

/** The configuration's own boards (client/boards/custom-boards-store.ts); none when absent. */
export type CustomBoards = ReadonlyMap<string, CustomBoard>;
const NONE: CustomBoards = new Map();

export interface EnumOption {
  value: string;
  label: string;
  /** Short extra words: kernel version, release support, desktop status. */
  detail?: string;
  /** False for the current value when the board (or release) does not offer it. */
  offered: boolean;
}

/** The chosen board's facts: a board file of the tree first (the framework reads it last, so it wins). */
export function boardFacts(schema: ConfigSchema, board: unknown, custom: CustomBoards = NONE): BoardFacts | undefined {
  if (typeof board !== 'string') return undefined;
  const own = custom.get(board);
  if (own) return own.facts ?? undefined;
  return schema['x-boards'].find((b) => b.board === board);
}

const RELEASE_SUPPORT_WORDS: Record<ReleaseFacts['support'], string> = {
  supported: 'supported',
  csc: 'community',
  eos: 'end of support',
};

function withCurrent(options: EnumOption[], current: unknown): EnumOption[] {
  if (typeof current === 'string' && current !== '' && !options.some((o) => o.value === current)) {
    return [...options, { value: current, label: current, offered: false }];
  }
  return options;
}

export function branchOptions(schema: ConfigSchema, data: Record<string, unknown>, custom: CustomBoards = NONE): EnumOption[] {
  const board = boardFacts(schema, data.BOARD, custom);
  const values = board ? board.kernelTargets.filter((b) => b in board.kernels) : (schema.properties.BRANCH?.enum ?? []);
  const options = values.map((value): EnumOption => {
    const kernel = board?.kernels[value];
    return { value, label: value, detail: kernel ? `kernel ${kernel}` : undefined, offered: true };
  });
  // Branches the family builds but the board does not list: allowed, with the framework's warning.
  for (const [value, kernel] of Object.entries(board?.kernels ?? {})) {
    if (board!.kernelTargets.includes(value)) continue;
    options.push({ value, label: value, detail: `${kernel ? `kernel ${kernel}, ` : ''}not tested on this board`, offered: true });
  }
  return withCurrent(options, data.BRANCH);
}

export function releaseOptions(schema: ConfigSchema, data: Record<string, unknown>, custom: CustomBoards = NONE): EnumOption[] {
  const board = boardFacts(schema, data.BOARD, custom);
  const releases = schema['x-releases'].filter((r) => !board || r.architectures.includes(board.arch));
  // Supported releases first, then community, then end-of-support, each newest first as listed.
  const rank = { supported: 0, csc: 1, eos: 2 } as const;
  const options = [...releases]
    .sort((a, b) => rank[a.support] - rank[b.support])
    .map((r): EnumOption => ({
      value: r.release,
      // Labels usually name the release already ("Ubuntu noble 24.04"); otherwise lead with it.
      label: r.label.toLowerCase().includes(r.release) ? r.label : `${r.release} — ${r.label}`,
      detail: RELEASE_SUPPORT_WORDS[r.support],
      offered: true,
    }));
  return withCurrent(options, data.RELEASE);
}

function detailedOptions(schema: ConfigSchema, property: string, data: Record<string, unknown>): EnumOption[] {
  const prop = schema.properties[property];
  const details = new Map((prop?.['x-enum-details'] ?? []).map((d) => [d.value, d]));
  const release = typeof data.RELEASE === 'string' ? data.RELEASE : undefined;
  const options = (prop?.enum ?? []).map((value): EnumOption => {
    const d = details.get(value);
    const words: string[] = [];
    if (d?.status && d.status !== 'supported') words.push(d.status);
    if (d?.releases && release && !d.releases.includes(release)) words.push(`untested on ${release}`);
    return { value, label: d?.label ?? value, detail: words.join(', ') || undefined, offered: true };
  });
  return withCurrent(options, data[property]);
}

/** The options of any enum property for the current data. */
export function enumOptions(schema: ConfigSchema, property: string, data: Record<string, unknown>, custom: CustomBoards = NONE): EnumOption[] {
  if (property === 'BRANCH') return branchOptions(schema, data, custom);
  if (property === 'RELEASE') return releaseOptions(schema, data, custom);
  return detailedOptions(schema, property, data);
}

/** The properties whose values narrow `property`'s options (recompute only when these change). */
export function optionInputs(property: string): string[] {
  if (property === 'BRANCH') return ['BOARD', 'BRANCH'];
  if (property === 'RELEASE') return ['BOARD', 'RELEASE'];
  if (property === 'DESKTOP_ENVIRONMENT') return ['RELEASE', 'DESKTOP_ENVIRONMENT'];
  return [property];
}
