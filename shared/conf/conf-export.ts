/**
 * The Armbian `userpatches/config-<name>.conf` form of a configuration: one `KEY="value"` line per
 * build variable the schema marks `x-export: "conf"`, in form order, then extra packages as an
 * `add_packages_to_image` call, Boardroom's own settings as `#@boardroom` comments and the extra
 * lines verbatim at the end (conf-directives.ts). Values are double-quoted with `"`, `\`, `$` and
 * backticks escaped. `parseConf` reads the result back into the same document.
 */
import { canonicalJson } from '../canonical-json.ts';
import type { ConfigSchema } from '../schema/types.ts';
import { DIRECTIVE_PREFIX, EXTRA_LINES_FIELD, PACKAGE_CALL, encodeBlock } from './conf-directives.ts';

const sameJson = (a: unknown, b: unknown): boolean => a !== undefined && b !== undefined && canonicalJson(a) === canonicalJson(b);

function quote(value: string): string {
  return `"${value.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
}

/** Items the import splits back apart unchanged: no separators inside. */
const LIST_ITEM_RE = /^[^,\s]+$/;
/** Package names written bare on the `add_packages_to_image` line. */
const BARE_WORD_RE = /^[A-Za-z0-9_@%+:.\/-]+$/;

/**
 * @param defaults what a new configuration starts with (`defaultConfig()`): a property missing
 * from `data` but present there is written as `#@boardroom unset`, so import keeps it missing.
 */
export function configToConf(schema: ConfigSchema, name: string, data: Record<string, unknown>, defaults: Record<string, unknown>): string {
  const lines = [
    `# Boardroom configuration "${name.replace(/[\r\n]+/g, ' ')}"`,
    `# schema ${schema['x-schema-version']}`,
    `# Lines starting with ${DIRECTIVE_PREFIX.trim()} keep settings the framework has no variable for; Boardroom's import reads them back.`,
  ];
  const directives: string[] = [];
  const unset: string[] = [];
  let extraLines: string | null = null;
  for (const [key, property] of Object.entries(schema.properties)) {
    const value = data[key];
    if (value === undefined) {
      if (key in defaults) unset.push(key);
      continue;
    }
    if (key === EXTRA_LINES_FIELD) {
      if (value !== '' || !sameJson(value, defaults[key])) extraLines = String(value);
      continue;
    }
    if (property['x-export'] === 'conf') {
      if (Array.isArray(value)) {
        if (value.length === 0 && sameJson(defaults[key], [])) continue;
        if (!value.every((item) => typeof item === 'string' && LIST_ITEM_RE.test(item))) {
          directives.push(`${DIRECTIVE_PREFIX}${key} ${JSON.stringify(value)}`);
          continue;
        }
      }
      if (property.deprecated) lines.push(`# ${key} is deprecated${property['x-replaced-by'] ? `; use ${property['x-replaced-by']}` : ''}`);
      lines.push(`${key}=${quote(Array.isArray(value) ? value.join(',') : String(value))}`);
      continue;
    }
    if (sameJson(value, defaults[key])) continue;
    if (key === 'extraPackages' && Array.isArray(value) && value.length > 0 && value.every((p) => typeof p === 'string' && BARE_WORD_RE.test(p))) {
      lines.push(`${PACKAGE_CALL} ${value.join(' ')}`);
    } else if (typeof value === 'string' && value.includes('\n')) {
      directives.push(`${DIRECTIVE_PREFIX}${key} block`, ...encodeBlock(value));
    } else {
      directives.push(`${DIRECTIVE_PREFIX}${key} ${JSON.stringify(value)}`);
    }
  }
  lines.push(...directives);
  if (unset.length > 0) lines.push(`${DIRECTIVE_PREFIX}unset ${unset.join(' ')}`);
  if (extraLines !== null) {
    const extra = extraLines.split('\n');
    lines.push(`${DIRECTIVE_PREFIX}${EXTRA_LINES_FIELD} ${extra.length}`, ...extra);
  }
  return `${lines.join('\n')}\n`;
}
