/**
 * Validation of one board configuration, the same code in the browser and on the server.
 *
 * - `checkShape`: only the type and shape violations the server repairs (wrong type, unknown key,
 *   over-size values). Cheap enough to run after every applied transaction.
 * - `validateConfig`: everything: shape, required, enums, patterns and the domain rules, split
 *   into errors (a build refuses them) and warnings.
 *
 * Both run the ajv standalone validator generated into `./generated/` (no eval, CSP-safe).
 */
import { customBoardsOf, inventoryOf, type BoardInventory, type CustomBoard, type TreeText } from '../boards/custom-boards.ts';
import { indexFacts, withCustomBoards } from './facts-index.ts';
import { customBoardIssues, settleBoardEnum } from './custom-board-issues.ts';
import { issuesFromAjv } from './ajv-issues.ts';
import { configSchema, validateConfigSchema } from './generated/config-validator.js';
import { SHAPE_KEYWORDS, type ValidationIssue, type ValidationResult } from './issue.ts';
import { checkExtraLines } from './extra-lines.ts';
import { checkRules } from './rules.ts';

export type { RepairedIssue, Severity, ValidationIssue, ValidationResult } from './issue.ts';
export { SHAPE_KEYWORDS } from './issue.ts';
export { configSchema };

/** Lookup tables over the embedded schema; built once, never changed. */
const FACTS = indexFacts(configSchema);

function schemaIssues(data: unknown): ValidationIssue[] {
  if (validateConfigSchema(data)) return [];
  return issuesFromAjv(configSchema, data, validateConfigSchema.errors ?? []);
}

/** Type/shape violations only: what `repairShape` fixes. Empty for a well-shaped configuration. */
export function checkShape(data: unknown): ValidationIssue[] {
  return schemaIssues(data).filter((issue) => SHAPE_KEYWORDS.has(issue.keyword));
}

/**
 * Where a value has the wrong type or size, the other complaints about the same value (enum,
 * pattern) are noise: the repair replaces the value anyway. Keep the shape issue only.
 */
function withoutShadowedIssues(issues: ValidationIssue[]): ValidationIssue[] {
  const shapePaths = new Set(issues.filter((i) => SHAPE_KEYWORDS.has(i.keyword)).map((i) => i.path));
  return issues.filter((i) => SHAPE_KEYWORDS.has(i.keyword) || !shapePaths.has(i.path));
}

/** Position of a property in the form (schema order), so issues read top to bottom. */
const PROPERTY_ORDER = new Map(Object.keys(configSchema.properties).map((name, index) => [name, index]));

function formOrder(issue: ValidationIssue): number {
  const first = issue.path.split('/')[1] ?? '';
  return PROPERTY_ORDER.get(first) ?? -1;
}

/** The framework's boards and families, what a board file of a configuration is resolved against. */
export const BOARD_INVENTORY: BoardInventory = inventoryOf(configSchema['x-boards'], configSchema['x-families']);

/** The boards a configuration's tree adds (board files under config/boards/), by id. */
export function customBoardsOfTree(files: Iterable<TreeText>): Map<string, CustomBoard> {
  return customBoardsOf(files, BOARD_INVENTORY);
}

/** What validation needs besides the configuration's JSON. */
export interface ValidationContext {
  /** The configuration's own boards (`customBoardsOfTree`); none when omitted. */
  customBoards?: ReadonlyMap<string, CustomBoard>;
}

const NO_CUSTOM_BOARDS: ReadonlyMap<string, CustomBoard> = new Map();

/** Shape, schema and domain-rule validation. `valid` is true when there are no errors. */
export function validateConfig(data: unknown, context: ValidationContext = {}): ValidationResult {
  const custom = context.customBoards ?? NO_CUSTOM_BOARDS;
  const facts = withCustomBoards(FACTS, custom);
  const issues = withoutShadowedIssues([
    ...settleBoardEnum(schemaIssues(data), data, custom),
    ...customBoardIssues(data, custom),
    ...checkRules(configSchema, facts, data),
    ...checkExtraLines(configSchema, data),
  ]);
  // Stable sort: within one property, schema issues come before rule issues.
  issues.sort((a, b) => formOrder(a) - formOrder(b));
  const errors = issues.filter((i) => i.severity === 'error');
  const warnings = issues.filter((i) => i.severity === 'warning');
  return { valid: errors.length === 0, errors, warnings };
}
