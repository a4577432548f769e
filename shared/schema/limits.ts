/**
 * Size limits of a configuration. The schema carries them as maxLength/maxItems/maximum, and the
 * server enforces them by repairing any transaction that exceeds them.
 */
export const ConfigLimits = {
  /** Board ids, branch/release names, extension names: the longest board id is 26 characters;
   * 64 leaves room for user boards in userpatches without inviting junk. */
  identifierLength: 64,
  /** One-line settings (vendor, locale, timezone, compiler prefix, legacy switches). */
  shortTextLength: 128,
  /** The legacy space-separated desktop app-group list; a dozen group names fit many times. */
  legacyListLength: 512,
  /** A Debian package name is short by policy; 128 also fits an architecture qualifier. */
  packageNameLength: 128,
  /** The framework ships about 80 extensions; nobody enables more than a handful. */
  maxExtensions: 64,
  /** A generous list of extra packages; beyond this a custom package list file is the right tool. */
  maxExtraPackages: 256,
  /** Output post-processing steps; there are five distinct ones, duplicates are tolerated. */
  maxOutputSteps: 8,
  /** customize-image.sh in UTF-16 units: real scripts are a few KB; 64 Ki keeps one whole-document
   * sync of a full script far below the 1 MiB WebSocket message limit. */
  customizeScriptLength: 65_536,
  /** Verbatim bash lines of config-<name>.conf (functions, conditionals): the same budget as the
   * customize script, for the same reason. */
  extraLinesLength: 65_536,
  /** SSH public keys, one per line: an RSA-4096 key is about 750 characters, so 16 Ki fits a team's
   * worth; more belongs in a provisioning system. */
  sshKeysLength: 16_384,
  /** Free-form description of the configuration; the rich notes live in the Tiptap fragment. */
  descriptionLength: 16_384,
  /** FIXED_IMAGE_SIZE in MiB: 256 GiB is larger than any card image a person flashes. */
  maxImageSizeMiB: 262_144,
  /** BOOTSIZE in MiB: boot partitions are tens to hundreds of MiB; 4 GiB is surely a mistake. */
  maxBootSizeMiB: 4_096,
} as const;
