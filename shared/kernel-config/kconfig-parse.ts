/**
 * Reads a kernel config fragment (`userpatches/linux-<family>-<branch>.config`, the `.config`
 * format Kconfig writes) into its options, for the Kernel panel and reviews
 * (docs/architecture.md, "Kernel configuration"). Runs in the browser and on the server, over text
 * anyone with edit rights typed, so it reads line by line with anchored, non-backtracking
 * patterns and stops at fixed budgets instead of trusting the size of what it is given.
 *
 * What Kconfig accepts (scripts/kconfig/confdata.c, `conf_read_simple`), and what it means:
 * - `CONFIG_FOO=y` / `=m` / `=n`: a bool/tristate value (`=n` is read like "is not set");
 * - `# CONFIG_FOO is not set`: the option off;
 * - `CONFIG_FOO="text"`: a string, `\"` and `\\` escaped;
 * - `CONFIG_FOO=123`, `=-1`, `=0x1f`: an int or hex value;
 * - blank lines and other `#` comments: nothing.
 * Anything else Kconfig skips with a warning, so a line here that is none of those is "malformed"
 * (the build would silently ignore it). An option set twice takes the last value, also with a
 * warning: reported as a duplicate at the later line.
 */

export const KconfigLimits = {
  /** Characters read: a full arm64 defconfig-derived `.config` is ~250 KB; fragments are far
   * smaller. Past this the rest is not read (a problem says so). */
  textLength: 1_048_576,
  /** Lines read: a full `.config` has ~10 000. */
  lines: 50_000,
  /** One line: the longest real ones (CONFIG_CMDLINE, firmware lists) are a few hundred. */
  lineLength: 4_096,
  /** Problems kept: a pasted binary would otherwise report one per line. */
  problems: 200,
} as const;

export type KconfigKind = 'y' | 'm' | 'n' | 'string' | 'number';

export interface KconfigOption {
  /** With the `CONFIG_` prefix, as the file spells it. */
  name: string;
  kind: KconfigKind;
  /** `y`, `m`, `n`, the unescaped string, or the number as written. */
  value: string;
  /** 1-based line of the assignment that counts (the last one). */
  line: number;
}

export interface KconfigProblem {
  line: number;
  message: string;
}

export interface ParsedKconfig {
  /** By name, in the order first seen; the value is the last assignment's. */
  options: Map<string, KconfigOption>;
  problems: KconfigProblem[];
  /** False when a budget stopped the reading early. */
  complete: boolean;
}

const NAME = /^CONFIG_[A-Za-z0-9_]+$/;
const ASSIGNMENT = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/;
const NOT_SET = /^# (CONFIG_[A-Za-z0-9_]+) is not set$/;
const NUMBER = /^(-?[0-9]+|0[xX][0-9a-fA-F]+)$/;

/** The string a `"…"` value holds, or undefined when it is not one well-formed quoted string. */
function unquote(raw: string): string | undefined {
  if (raw.length < 2 || !raw.startsWith('"') || !raw.endsWith('"')) return undefined;
  let out = '';
  for (let i = 1; i < raw.length - 1; i++) {
    const c = raw[i];
    if (c === '\\') {
      const next = raw[i + 1];
      // A backslash before the closing quote escapes it: the string never ends.
      if (i + 1 >= raw.length - 1 || (next !== '"' && next !== '\\')) return undefined;
      out += next;
      i++;
    } else if (c === '"') return undefined;
    else out += c;
  }
  return out;
}

function valueOf(raw: string): { kind: KconfigKind; value: string } | string {
  if (raw === 'y' || raw === 'm' || raw === 'n') return { kind: raw, value: raw };
  if (raw === '') return 'has no value after "="';
  if (raw.startsWith('"')) {
    const text = unquote(raw);
    return text === undefined ? 'has a string value without a matching closing quote (escape " and \\ inside it as \\" and \\\\)' : { kind: 'string', value: text };
  }
  if (NUMBER.test(raw)) return { kind: 'number', value: raw };
  return `has the value ${JSON.stringify(raw.slice(0, 40))}: expected y, m, n, a number or a "quoted string"`;
}

function malformed(line: string): string {
  if (/^[A-Za-z0-9_]+=/.test(line)) return 'is not a kernel option: the name must start with CONFIG_';
  if (NAME.test(line)) return 'names an option without a value: write CONFIG_…=y, =m, or "# CONFIG_… is not set"';
  if (/^#\s*CONFIG_[A-Za-z0-9_]+\s+is not set\s*$/.test(line)) return 'is almost "# CONFIG_… is not set": Kconfig reads only that exact spelling';
  if (/^\s+\S/.test(line) || /\S\s+$/.test(line)) return 'has spaces around it: Kconfig does not trim lines';
  return 'is not a kernel option line (CONFIG_…=value or "# CONFIG_… is not set")';
}

export function parseKconfig(text: string): ParsedKconfig {
  const options = new Map<string, KconfigOption>();
  const problems: KconfigProblem[] = [];
  let complete = true;
  const problem = (line: number, message: string): void => {
    if (problems.length < KconfigLimits.problems) problems.push({ line, message });
  };
  let source = typeof text === 'string' ? text : '';
  if (source.length > KconfigLimits.textLength) {
    source = source.slice(0, KconfigLimits.textLength);
    complete = false;
  }
  let start = 0;
  let lineNo = 0;
  while (start <= source.length) {
    let end = source.indexOf('\n', start);
    if (end === -1) end = source.length;
    lineNo++;
    if (lineNo > KconfigLimits.lines) {
      complete = false;
      problem(lineNo, `the file has more than ${KconfigLimits.lines} lines; the rest is not read`);
      break;
    }
    let line = source.slice(start, end);
    start = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.length > KconfigLimits.lineLength) {
      problem(lineNo, `is longer than ${KconfigLimits.lineLength} characters`);
      continue;
    }
    if (line === '') continue;
    let name: string;
    let read: { kind: KconfigKind; value: string } | string;
    const notSet = NOT_SET.exec(line);
    const assignment = notSet ? null : ASSIGNMENT.exec(line);
    if (notSet) {
      name = notSet[1]!;
      read = { kind: 'n', value: 'n' };
    } else if (assignment) {
      name = assignment[1]!;
      read = valueOf(assignment[2]!);
    } else {
      if (!line.startsWith('#')) problem(lineNo, `${quoteLine(line)} ${malformed(line)}`);
      else if (/^#\s*CONFIG_[A-Za-z0-9_]+\s+is not set\s*$/.test(line)) problem(lineNo, `${quoteLine(line)} ${malformed(line)}`);
      continue;
    }
    if (typeof read === 'string') {
      problem(lineNo, `${name} ${read}`);
      continue;
    }
    const earlier = options.get(name);
    if (earlier) {
      problem(lineNo, `${name} is set again (first on line ${earlier.line}): the last one, ${display(read)}, wins`);
    }
    options.set(name, { name, ...read, line: lineNo });
  }
  return { options, problems, complete };
}

function quoteLine(line: string): string {
  return JSON.stringify(line.length > 60 ? `${line.slice(0, 60)}…` : line);
}

/** How a value reads in a review: `y`, `m`, `is not set`, `"text"`, `0x1f`. */
export function display(option: { kind: KconfigKind; value: string }): string {
  if (option.kind === 'n') return 'is not set';
  if (option.kind === 'string') return JSON.stringify(option.value);
  return option.value;
}
