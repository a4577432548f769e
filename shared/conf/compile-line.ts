/**
 * A pasted `./compile.sh [build] KEY=value…` command line: where the script's arguments start, and
 * how an argument Boardroom does not map is written back as an extra line.
 */
import { literalValue, type Word } from './bash-lexer.ts';

/** Words that may precede `compile.sh` on a pasted command line. */
const COMMAND_PREFIXES = new Set(['sudo', 'bash', 'sh', 'time', 'env', 'nice', '$', '#']);

/** Index of the `compile.sh` word of a pasted command line, or -1. */
export function compileScriptIndex(words: Word[]): number {
  for (let i = 0; i < words.length; i++) {
    const value = literalValue(words[i]!);
    if (value === null) return -1;
    if (/(^|\/)compile\.sh$/.test(value)) return i;
    if (!COMMAND_PREFIXES.has(value)) return -1;
  }
  return -1;
}

/** Single-quotes a value for an extra line unless it is a plain word. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]*$/.test(value) && value !== '' ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
