/**
 * A kernel config fragment's change as a reviewer reads it: one entry per option whose value
 * differs, "CONFIG_X: y → m", rather than a line diff where reordering or a comment looks like a
 * change (docs/architecture.md, "Kernel configuration"). Pure and browser-safe.
 */
import { display, parseKconfig, type KconfigOption } from './kconfig-parse.ts';

export interface KconfigChange {
  name: string;
  op: 'add' | 'remove' | 'change';
  /** As `display` writes it; null when the fragment did not mention the option. */
  before: string | null;
  after: string | null;
}

const byName = (a: KconfigChange, b: KconfigChange): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function same(a: KconfigOption, b: KconfigOption): boolean {
  // `=n` and "is not set" are the same to Kconfig; both parse to kind n.
  return a.kind === b.kind && a.value === b.value;
}

/** Option changes from one fragment's text to another's, sorted by option name. */
export function diffKconfig(beforeText: string, afterText: string): KconfigChange[] {
  const before = parseKconfig(beforeText).options;
  const after = parseKconfig(afterText).options;
  const out: KconfigChange[] = [];
  for (const [name, b] of before) {
    const a = after.get(name);
    if (!a) out.push({ name, op: 'remove', before: display(b), after: null });
    else if (!same(a, b)) out.push({ name, op: 'change', before: display(b), after: display(a) });
  }
  for (const [name, a] of after) if (!before.has(name)) out.push({ name, op: 'add', before: null, after: display(a) });
  return out.sort(byName);
}

/** One line per change: `CONFIG_X: y → m`, `CONFIG_X: added, y`, `CONFIG_X: removed (was y)`. */
export function formatKconfigChange(change: KconfigChange): string {
  if (change.op === 'add') return `${change.name}: added, ${change.after}`;
  if (change.op === 'remove') return `${change.name}: removed (was ${change.before})`;
  return `${change.name}: ${change.before} → ${change.after}`;
}
