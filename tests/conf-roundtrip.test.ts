/**
 * Export .conf → import gives back the same document, for generated documents (seeded; replay a
 * failure with `SEED=<n>`): every property present, absent or empty, values with quotes, `$`,
 * backticks, `#`, newlines and look-alikes of Boardroom's own `#@boardroom` comments.
 */
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../shared/canonical-json.ts';
import { configToConf } from '../shared/conf/conf-export.ts';
import { parseConf } from '../shared/conf/conf-import.ts';
import { defaultConfig } from '../shared/doc-binding.ts';
import type { PropertySchema } from '../shared/schema/types.ts';
import { checkShape, configSchema } from '../shared/validation/index.ts';
import { seededRandom } from './helpers/random.ts';

/** Documents per run: enough to hit every branch of the encoder many times, under a second. */
const DOCUMENTS = 400;

const rng = seededRandom('conf-roundtrip');
const pick = <T,>(items: readonly T[]): T => items[rng.int(items.length)]!;

const TRICKY = ['"', "'", '$', '`', '\\', '#', ' ', '\t', 'é', '🙂', '$HOME', '${X}', '$(id)', '#| ', '#@boardroom unset BOARD', '\r', '=', ',', ';', '\\n'];
const WORD_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789.-_+';

/** Bash reserved words: plain arguments outside compound commands. */
const RESERVED = ['in', 'do', 'done', 'fi', 'then', 'if', 'case', 'esac', 'function', 'time'];

function word(max = 12): string {
  if (rng.next() < 0.05) return pick(RESERVED);
  let out = pick('abcdefghijklmnopqrstuvwxyz'.split(''));
  const length = rng.int(max);
  for (let i = 0; i < length; i++) out += pick(WORD_CHARS.split(''));
  return out;
}

function trickyLine(): string {
  const parts: string[] = [];
  const n = rng.int(6);
  for (let i = 0; i < n; i++) parts.push(rng.next() < 0.5 ? pick(TRICKY) : word());
  return parts.join(rng.next() < 0.5 ? ' ' : '');
}

function multiline(): string {
  const lines: string[] = [];
  const n = rng.int(8);
  for (let i = 0; i < n; i++) {
    const r = rng.next();
    if (r < 0.15) lines.push('');
    else if (r < 0.25) lines.push(`#@boardroom extraLines ${rng.int(4)}`);
    else if (r < 0.35) lines.push(`if [[ "$BOARD" == x ]]; then echo '}'; fi`);
    else lines.push(trickyLine());
  }
  return lines.join('\n') + (rng.next() < 0.5 ? '\n' : '');
}

function valueFor(name: string, property: PropertySchema): unknown {
  if (property.type === 'integer') return (property.minimum ?? 0) + rng.int((property.maximum ?? 100) - (property.minimum ?? 0) + 1);
  if (property.type === 'array') {
    const items = property.items!;
    const n = rng.int(5);
    return Array.from({ length: n }, () => (items.enum ? pick(items.enum) : rng.next() < 0.85 ? word() : trickyLine().slice(0, items.maxLength)));
  }
  if (property.format === 'multiline') return multiline();
  if (property.enum && rng.next() < 0.8) return pick(property.enum);
  return (rng.next() < 0.7 ? word() : trickyLine()).slice(0, property.maxLength ?? 64);
}

function generate(): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(configSchema.properties)) {
    const r = rng.next();
    if (r < 0.25) continue; // absent
    if (r < 0.32 && property.type !== 'integer') doc[name] = property.type === 'array' ? [] : '';
    else doc[name] = valueFor(name, property);
  }
  return doc;
}

describe('.conf export → import', () => {
  it(`gives back the same document (${DOCUMENTS} generated documents)`, () => {
    const defaults = defaultConfig() as Record<string, unknown>;
    for (let i = 0; i < DOCUMENTS; i++) {
      const doc = generate();
      expect(checkShape(doc)).toEqual([]);
      const conf = configToConf(configSchema, `config ${i}`, doc, defaults);
      const parsed = parseConf(configSchema, conf);
      // What POST /api/configs/import stores: defaults, the file's values, minus what it unsets.
      const imported: Record<string, unknown> = { ...defaults, ...parsed.data };
      for (const key of parsed.unset) delete imported[key];
      if (canonicalJson(imported) !== canonicalJson(doc)) {
        expect({ conf, imported }).toEqual({ conf, imported: doc });
      }
      expect(parsed.warnings).toEqual([]);
      expect(parsed.name).toBe(`config ${i}`);
    }
  });
});
