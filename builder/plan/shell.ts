/** Quoting for the two shell contexts a plan writes: `KEY="value"` lines the framework sources,
 * and words of the `./compile.sh` command line. */

/** Value inside double quotes in a bash file: escape the four characters bash expands there. */
export function doubleQuoted(value: string): string {
  return `"${value.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
}

/** A command-line word: bare when it holds only characters no shell treats specially. */
export function shellWord(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
