/**
 * Reads what an Armbian board or family file sets unconditionally, without running bash: the
 * assignments, `enable_extension` calls and `source` lines written at column 0 outside functions,
 * `if` blocks and `case` blocks, plus the labels of a top-level `case $BRANCH` block with the
 * KERNEL_MAJOR_MINOR each label sets, and the KERNEL_MAJOR_MINOR a board hook
 * `post_family_config_branch_<branch>__*` sets. That is all the facts need; anything computed at
 * run time is the framework check's business, not the facts'.
 */

export interface TopLevelFile {
  /** Last value of each unconditional top-level assignment, quotes removed, verbatim otherwise. */
  assignments: Map<string, string>;
  extensions: string[];
  /** Paths of top-level `source` lines as written (e.g. `${BASH_SOURCE%/*}/include/x.inc`). */
  sources: string[];
  /** `case $BRANCH` labels outside functions, in file order, with the version each sets. */
  branches: Array<[string, string | null]>;
  /** Branch → KERNEL_MAJOR_MINOR set by a `post_family_config_branch_<branch>__…` hook. */
  branchHooks: Map<string, string>;
  /** The first comment line after the leading `#` lines that are empty. */
  firstComment: string | null;
}

const ASSIGNMENT = /^(?:declare\s+-[a-zA-Z]+\s+|export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;
const FUNCTION_START = /^(?:function\s+([A-Za-z0-9_:.-]+)\s*(?:\(\s*\))?|([A-Za-z0-9_:.-]+)\s*\(\s*\))\s*\{?\s*$/;
const BRANCH_LABEL = /^\s*([A-Za-z0-9_-]+(?:\s*\|\s*[A-Za-z0-9_-]+)*)\s*\)\s*(?:#.*)?$/;
const BRANCH_HOOK = /^post_family_config_branch_([a-z0-9]+)__/;
const KERNEL_MAJOR_MINOR = /^\s*(?:declare\s+-g\s+|export\s+)?KERNEL_MAJOR_MINOR=(?:"([^"]*)"|'([^']*)'|(\S+))/;

/** The value of `KEY=<raw>` as bash would see a literal: quotes removed, a trailing comment cut. */
export function literalValue(raw: string): string {
  const text = raw.trimStart();
  if (text.startsWith('"')) {
    const end = text.indexOf('"', 1);
    return end === -1 ? text.slice(1) : text.slice(1, end);
  }
  if (text.startsWith("'")) {
    const end = text.indexOf("'", 1);
    return end === -1 ? text.slice(1) : text.slice(1, end);
  }
  const match = /^[^\s;#]*/.exec(text);
  return match ? match[0] : '';
}

function words(raw: string): string[] {
  return raw
    .split(/\s+/)
    .map((w) => literalValue(w))
    .filter((w) => w !== '' && !w.startsWith('#'));
}

export function readTopLevel(text: string): TopLevelFile {
  const result: TopLevelFile = {
    assignments: new Map(),
    extensions: [],
    sources: [],
    branches: [],
    branchHooks: new Map(),
    firstComment: null,
  };
  const lines = text.split('\n');
  let inFunction: string | null = null;
  let ifDepth = 0;
  let caseDepth = 0;
  let branchCase = false;
  let innerCase = 0;
  let label: string[] | null = null;
  for (const line of lines) {
    if (result.firstComment === null && /^#\s*\S/.test(line)) result.firstComment = line.replace(/^#\s*/, '').trim();
    if (inFunction !== null) {
      if (/^\}/.test(line)) inFunction = null;
      else {
        const hook = BRANCH_HOOK.exec(inFunction);
        const kmm = KERNEL_MAJOR_MINOR.exec(line);
        if (hook && kmm) result.branchHooks.set(hook[1]!, kmm[1] ?? kmm[2] ?? kmm[3] ?? '');
      }
      continue;
    }
    const fn = FUNCTION_START.exec(line);
    if (fn && !/^(if|case|for|while)\b/.test(line)) {
      inFunction = fn[1] ?? fn[2] ?? '';
      if (/\}\s*$/.test(line) && line.includes('{') && line.trim().endsWith('}')) inFunction = null;
      continue;
    }
    if (branchCase) {
      // Nested `case` blocks inside a label (e.g. on BOARD) are skipped over, not read as labels.
      if (/^\s*case\s/.test(line)) innerCase += 1;
      if (/^\s*esac\b/.test(line)) {
        if (innerCase > 0) innerCase -= 1;
        else {
          branchCase = false;
          label = null;
        }
        continue;
      }
      const labelMatch = innerCase === 0 ? BRANCH_LABEL.exec(line) : null;
      if (labelMatch) {
        label = labelMatch[1]!.split('|').map((l) => l.trim());
        for (const one of label) {
          if (!result.branches.some(([b]) => b === one)) result.branches.push([one, null]);
        }
        continue;
      }
      const kmm = KERNEL_MAJOR_MINOR.exec(line);
      if (kmm && label !== null) {
        const value = kmm[1] ?? kmm[2] ?? kmm[3] ?? '';
        for (const one of label) {
          const entry = result.branches.find(([b]) => b === one);
          if (entry) entry[1] = value;
        }
      }
      continue;
    }
    // Read wherever it is outside functions: families nest it inside `case $BOARD` too.
    if (/^\s*case\s+"?\$\{?BRANCH\}?"?\s+in\b/.test(line)) {
      branchCase = true;
      innerCase = 0;
      continue;
    }
    const source = /^\s*(?:source|\.)\s+(.+)$/.exec(line);
    if (source) {
      // Conditional includes count too (mvebu picks one per board): the facts list both.
      result.sources.push(literalValue(source[1]!));
      continue;
    }
    if (/^if\b/.test(line)) ifDepth += 1;
    if (/^fi\b/.test(line)) ifDepth = Math.max(0, ifDepth - 1);
    if (/^case\b/.test(line)) caseDepth += 1;
    if (/^esac\b/.test(line)) caseDepth = Math.max(0, caseDepth - 1);
    if (ifDepth > 0 || caseDepth > 0 || /^\s/.test(line)) continue;
    const ext = /^enable_extension\s+(.+)$/.exec(line);
    if (ext) {
      result.extensions.push(...words(ext[1]!).slice(0, 1));
      continue;
    }
    const assignment = ASSIGNMENT.exec(line);
    if (assignment) result.assignments.set(assignment[1]!, literalValue(assignment[2]!));
  }
  return result;
}
