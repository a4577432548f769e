/**
 * The configuration schema for any importer, browser included: the generated, frozen copy of the
 * schema (no raw data files), its version and types, and the `x-when` helpers the form uses.
 * The server and the generator build it from the data with `buildConfigSchema()` in
 * `config-schema.ts`; a test keeps the two identical.
 */
export { configSchema } from '../validation/generated/config-validator.js';
export { SCHEMA_ID, SCHEMA_VERSION } from './version.ts';
export { ConfigLimits } from './limits.ts';
export { BOARD_CONFIG_KEYS, type BoardConfig, type YesNo } from './config-type.ts';
export { conditionHolds, effectiveValue, isApplicable } from './conditions.ts';
export type {
  BoardFacts,
  BoardSupport,
  ConfigSchema,
  EnumDetail,
  ExportKind,
  ItemSchema,
  PropertySchema,
  ReleaseFacts,
  ReleaseSupport,
  SectionId,
  SectionInfo,
  WhenCondition,
  Widget,
} from './types.ts';
