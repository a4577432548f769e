/**
 * Boardroom's additions to a `config-<name>.conf`, all of them bash comments or plain framework
 * calls, so the file stays an ordinary Armbian config (the format is described in
 * docs/conf-format.md):
 *
 * - `# Boardroom configuration "<name>"` heads the file;
 * - `#@boardroom <field> <JSON value>` carries a setting the framework has no variable for
 *   (time zone, description, …), or a list whose items cannot be written as a bash list;
 * - `#@boardroom <field> block` followed by `#| <line>` lines carries multi-line text;
 * - `#@boardroom unset <field>…` names settings that are deliberately empty, so import does
 *   not fill in their defaults;
 * - `#@boardroom extraLines <n>` is followed by exactly n lines of verbatim bash;
 * - extra packages are an `add_packages_to_image a b c` call, the framework's own mechanism.
 */

export const DIRECTIVE_PREFIX = '#@boardroom ';
export const BLOCK_LINE_PREFIX = '#|';
export const EXTRA_LINES_FIELD = 'extraLines';
export const PACKAGE_CALL = 'add_packages_to_image';
export const CONF_NAME_RE = /^# Boardroom configuration "(.*)"$/;

export function encodeBlock(value: string): string[] {
  return value.split('\n').map((line) => (line === '' ? BLOCK_LINE_PREFIX : `${BLOCK_LINE_PREFIX} ${line}`));
}

export function decodeBlockLine(comment: string): string {
  const rest = comment.slice(BLOCK_LINE_PREFIX.length);
  return rest.startsWith(' ') ? rest.slice(1) : rest;
}

/**
 * The `#@boardroom extraLines N` block: N lines that are the extra lines, byte for byte. The
 * export puts it last, so only a marker whose block ends exactly at the end of the file counts;
 * lines added after it by hand, or a look-alike inside a quoted value, fall back to ordinary
 * parsing (which keeps them in the extra lines too, just not byte for byte).
 */
export function cutExactExtraLines(lines: string[]): string | null {
  // With a final newline the last element is ''.
  const end = lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
  const marker = new RegExp(`^${DIRECTIVE_PREFIX}${EXTRA_LINES_FIELD} ([0-9]+)$`);
  for (let i = 0; i < end; i++) {
    const match = marker.exec(lines[i]!);
    if (!match || i + 1 + Number(match[1]) !== end) continue;
    const exact = lines.slice(i + 1, end).join('\n');
    for (let j = i; j < end; j++) lines[j] = '';
    return exact;
  }
  return null;
}
