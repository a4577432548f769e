/**
 * The one place that knows how a Boardroom configuration maps onto the Armbian framework
 * (see shared/schema/config-properties.ts): an UPPER_CASE property is the framework variable of
 * that name; `extraPackages` become a user extension calling the framework's
 * `add_packages_to_image` (so they go through its package aggregation, with the Armbian
 * repository enabled); `timezone` and `customizeScript` become `customize-image.sh`;
 * `extraLines` is written verbatim after the
 * assignments; `description` stays metadata. Anything else is not exported.
 */
import type { ArmbianFacts, OptionRecord } from './armbian-facts.ts';

export interface ArmbianAssignment {
  name: string;
  value: string;
  /** True when the plan filled it in (the config left it unset). */
  implied: boolean;
}

export interface ScriptInputs {
  timezone: string | null;
  extraPackages: string[];
  customizeScript: string;
}

export interface MappedConfig {
  /** In the framework data's option order. */
  assignments: ArmbianAssignment[];
  script: ScriptInputs;
  /** Verbatim bash for the end of config-<name>.conf ('' when there is none). */
  extraLines: string;
  warnings: string[];
}

/** Always written, whatever else is set: without them the framework asks "Choose image type"
 * in a dialog, which has no terminal in a Boardroom build. Both default to no. */
const ALWAYS_EMITTED = new Set(['BUILD_MINIMAL', 'BUILD_DESKTOP']);
/** The framework's own fallback for an unset desktop tier when legacy app groups are set
 * (lib/functions/configuration/config-desktop.sh): the groups were folded into `full`. */
const LEGACY_APPGROUPS_TIER = 'full';

/** Framework variables that must be set for a build without a terminal, and the value a
 * Boardroom build uses when the configuration leaves them unset (the framework's default, or
 * its recommendation when it has none and would ask in a dialog). */
function impliedValue(option: OptionRecord, chosen: ReadonlyMap<string, string>): string | null {
  if (ALWAYS_EMITTED.has(option.name)) return option.default === null ? 'no' : String(option.default);
  if (option.name === 'DESKTOP_TIER' && chosen.get('BUILD_DESKTOP') === 'yes') {
    const groups = chosen.get('DESKTOP_APPGROUPS_SELECTED');
    if (groups !== undefined && groups !== 'none') return LEGACY_APPGROUPS_TIER;
  }
  const required = option.requiredNonInteractive;
  if (required === undefined || required === false) return null;
  if (typeof required === 'string') {
    // e.g. "when BUILD_DESKTOP=yes": only needed in that case.
    const match = /^when ([A-Z_]+)=(\S+)$/.exec(required);
    if (!match || chosen.get(match[1]!) !== match[2]) return null;
  }
  const fallback = option.default ?? option.recommended ?? null;
  return fallback === null ? null : String(fallback);
}

function toValue(option: OptionRecord, raw: unknown): string | null {
  if (raw === undefined || raw === null) return null;
  if (Array.isArray(raw)) {
    const items = raw.filter((item): item is string | number => typeof item === 'string' || typeof item === 'number');
    return items.length === 0 ? null : items.map(String).join(option.separator ?? ',');
  }
  if (typeof raw === 'boolean') return raw ? 'yes' : 'no';
  if (typeof raw === 'number') return Number.isFinite(raw) ? String(raw) : null;
  if (typeof raw === 'string') return raw.length === 0 ? null : raw;
  return null;
}

export function mapConfig(config: Record<string, unknown>, facts: ArmbianFacts): MappedConfig {
  const warnings: string[] = [];
  const chosen = new Map<string, string>();
  const known = new Set(facts.options.map((option) => option.name));
  for (const option of facts.options) {
    const value = toValue(option, config[option.name]);
    if (value !== null) chosen.set(option.name, value);
  }
  const assignments: ArmbianAssignment[] = [];
  // BUILD_DESKTOP decides what else is required, and comes after BUILD_MINIMAL in the data's
  // order: settle it before the loop reads it.
  if (!chosen.has('BUILD_DESKTOP')) chosen.set('BUILD_DESKTOP', 'no');
  for (const option of facts.options) {
    const value = toValue(option, config[option.name]) ?? undefined;
    if (value !== undefined) {
      assignments.push({ name: option.name, value, implied: false });
      if (option.status?.startsWith('legacy')) {
        warnings.push(
          `${option.name} is a legacy switch${option.replacedBy ? `; use ${option.replacedBy} instead` : ''}`,
        );
      }
      continue;
    }
    const implied = impliedValue(option, chosen);
    if (implied !== null) {
      if (option.name === 'DESKTOP_TIER' && implied === LEGACY_APPGROUPS_TIER) {
        warnings.push('DESKTOP_TIER is unset and legacy app groups are set: the framework picks the full tier');
      }
      chosen.set(option.name, implied);
      assignments.push({ name: option.name, value: implied, implied: true });
    }
  }
  for (const key of Object.keys(config).sort()) {
    if (/^[A-Z][A-Z0-9_]*$/.test(key) && !known.has(key)) {
      warnings.push(`${key} is not a known Armbian build option and was left out`);
    }
  }
  const timezone = typeof config.timezone === 'string' && config.timezone !== '' ? config.timezone : null;
  const extraPackages = Array.isArray(config.extraPackages)
    ? config.extraPackages.filter((p): p is string => typeof p === 'string' && p !== '')
    : [];
  const customizeScript = typeof config.customizeScript === 'string' ? config.customizeScript : '';
  const extraLines = typeof config.extraLines === 'string' ? config.extraLines : '';
  return { assignments, script: { timezone, extraPackages, customizeScript }, extraLines, warnings };
}
