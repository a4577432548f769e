/**
 * Serialises extracted facts the way the committed data files are laid out: a JSON array with
 * one record per line, `", "` and `": "` between items, so a regenerated file diffs per board.
 */
import type { ArmbianFactsBundle } from './extract.ts';

function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}

export function recordsFile(records: readonly unknown[]): string {
  return `[\n${records.map(inline).join(',\n')}\n]\n`;
}

/** File name (in shared/data/) → content. */
export function factsFiles(bundle: ArmbianFactsBundle): Record<string, string> {
  return {
    'armbian-boards.json': recordsFile(bundle.boards),
    'armbian-families.json': recordsFile(bundle.families),
    'armbian-framework.json': `${JSON.stringify(bundle.framework, null, 2)}\n`,
  };
}
