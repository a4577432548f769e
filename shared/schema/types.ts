/**
 * Types of the board-configuration JSON Schema and of the facts it carries.
 *
 * The schema is plain JSON (it is served by `GET /api/schema` and compiled by ajv), so these
 * types describe the subset of JSON Schema 2020-12 Boardroom uses plus its `x-` annotations.
 */

/** Support level of a board, as the board file's extension in the Armbian build framework. */
export type BoardSupport = 'conf' | 'csc' | 'tvb' | 'eos' | 'wip';

/** Support level of a Debian/Ubuntu release in the Armbian build framework. */
export type ReleaseSupport = 'supported' | 'csc' | 'eos';

/** What the client board picker and the rules need to know about one board. */
export interface BoardFacts {
  /** Board id: the `BOARD` value, the board file name without its extension. */
  board: string;
  name: string;
  vendor: string;
  family: string;
  arch: string;
  support: BoardSupport;
  /** Kernel branches the board offers (its KERNEL_TARGET), in the board file's order. */
  kernelTargets: string[];
  /** False only when the board says it has no video output; Armbian assumes video otherwise. */
  hasVideo: boolean;
  /** The boot partition's filesystem when the board or its family fixes it (BOOTFS_TYPE). */
  bootFsType?: string;
  /** Every branch the framework can build for the board, with its kernel major.minor: the
   * family's `case $BRANCH` labels (all branches, when the family sets one version for all), and
   * board hooks' overrides. A KERNEL_TARGET branch missing here has no kernel: the framework
   * refuses it. Null: a label that sets no version (ddk installs the distribution's kernel). */
  kernels: Record<string, string | null>;
}

/** What a board file's BOARDFAMILY brings with it: the family file's architecture and kernels. */
export interface FamilyFacts {
  /** The family id: a `config/sources/families/<family>.conf` of the framework. */
  family: string;
  arch: string;
  /** Every branch the family defines, with its kernel major.minor (as `BoardFacts.kernels`). */
  kernels: Record<string, string | null>;
  /** The boot partition's filesystem when the family fixes it (BOOTFS_TYPE). */
  bootFsType?: string;
}

export interface ReleaseFacts {
  /** The `RELEASE` value, e.g. `noble`. */
  release: string;
  label: string;
  distribution: string;
  support: ReleaseSupport;
  architectures: string[];
}

/** One entry of `x-enum-details`: extra facts about one enum value, for labels and hints. */
export interface EnumDetail {
  value: string;
  label?: string;
  /** `supported`, `community`, `unsupported`, `csc`, `eos` … depending on the property. */
  status?: string;
  /** Releases the value is known to work on, when the data restricts it. */
  releases?: string[];
  /** Architectures the value exists for, when the data restricts it (desktops). */
  architectures?: string[];
  note?: string;
}

/** A form section, listed in build order in the root's `x-sections`. */
export interface SectionInfo {
  id: SectionId;
  title: string;
  description: string;
}

export type SectionId =
  | 'target'
  | 'image'
  | 'kernel'
  | 'filesystem'
  | 'output'
  | 'system'
  | 'customisation';

/** How a property reaches the build: a line of `config-<name>.conf`, the customize script, or not at all. */
export type ExportKind = 'conf' | 'script' | 'none';

/** Hint for the client form generator; the schema's types stay authoritative. */
export type Widget =
  | 'board-picker'
  | 'select'
  | 'toggle'
  | 'number'
  | 'text'
  | 'tags'
  | 'multi-select'
  | 'code'
  | 'textarea';

/**
 * A property is only meaningful when every listed property has one of the listed values (for an
 * array property: contains one of them). The form hides or dims it otherwise.
 */
export type WhenCondition = Record<string, string[]>;

export interface PropertySchema {
  type: 'string' | 'integer' | 'array' | 'object';
  title: string;
  description: string;
  default?: unknown;
  enum?: string[];
  format?: 'multiline';
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: ItemSchema;
  maxItems?: number;
  uniqueItems?: boolean;
  deprecated?: boolean;
  examples?: unknown[];
  'x-section': SectionId;
  /** Position inside the section, ascending. */
  'x-order': number;
  'x-widget': Widget;
  'x-export': ExportKind;
  'x-when'?: WhenCondition;
  'x-enum-details'?: EnumDetail[];
  /** Plain words shown when a `pattern` does not match ("lower-case letters, digits and -"). */
  'x-pattern-hint'?: string;
  /** The unit of an integer (MiB), shown next to the field. */
  'x-unit'?: string;
  /** For deprecated properties: the property that replaces it. */
  'x-replaced-by'?: string;
  /** The option's page in Armbian's documentation (shared/data/armbian-option-docs.json). */
  'x-docs'?: string;
  /** The framework source file that implements the option, at the facts' commit. */
  'x-source'?: string;
}

export interface ItemSchema {
  type: 'string';
  title: string;
  enum?: string[];
  pattern?: string;
  minLength?: number;
  maxLength: number;
  'x-pattern-hint'?: string;
}

export interface ConfigSchema {
  $schema: string;
  $id: string;
  title: string;
  description: string;
  type: 'object';
  'x-schema-version': string;
  'x-sections': SectionInfo[];
  'x-boards': BoardFacts[];
  /** Every board family, for board files in the configuration's own userpatches tree. */
  'x-families': FamilyFacts[];
  'x-releases': ReleaseFacts[];
  /** Every extension name the framework's `enable_extension` finds, sorted. */
  'x-extensions': string[];
  properties: Record<string, PropertySchema>;
  required: string[];
  additionalProperties: false;
}
