/**
 * The TypeScript view of one configuration. Every property is optional because a configuration
 * being edited is incomplete most of the time; `validateConfig` says whether it can be built.
 * `tests/schema-limits.test.ts` checks that these keys are exactly the schema's properties.
 *
 * UPPER_CASE keys are Armbian build variables (exported verbatim to config-<name>.conf);
 * camelCase keys are Boardroom's own (see config-properties.ts).
 */

export type YesNo = 'yes' | 'no';

export interface BoardConfig {
  // target
  BOARD?: string;
  BRANCH?: string;
  RELEASE?: string;
  // image
  BUILD_MINIMAL?: YesNo;
  BUILD_DESKTOP?: YesNo;
  DESKTOP_ENVIRONMENT?: string;
  DESKTOP_TIER?: 'minimal' | 'mid' | 'full';
  DESKTOP_AUTOLOGIN?: YesNo;
  /** Deprecated: the framework ignores it. */
  DESKTOP_ENVIRONMENT_CONFIG_NAME?: string;
  /** Deprecated: space-separated legacy list. */
  DESKTOP_APPGROUPS_SELECTED?: string;
  // kernel
  KERNEL_CONFIGURE?: YesNo;
  KERNEL_BTF?: YesNo;
  EXTRAWIFI?: YesNo;
  INSTALL_HEADERS?: YesNo;
  DISABLE_KERNEL_PATCHES?: YesNo;
  KERNEL_COMPILER?: string;
  // filesystem
  ROOTFS_TYPE?: string;
  /** MiB */
  FIXED_IMAGE_SIZE?: number;
  BTRFS_COMPRESSION?: string;
  BTRFS_CHECKSUM?: string;
  /** MiB */
  BOOTSIZE?: number;
  SECTOR_SIZE?: '512' | '4096';
  INCLUDE_HOME_DIR?: YesNo;
  // output
  /** Exported joined with ','. */
  COMPRESS_OUTPUTIMAGE?: string[];
  IMAGE_XZ_COMPRESSION_RATIO?: number;
  ZSTD_COMPRESSION_LEVEL?: number;
  VENDOR?: string;
  SHARE_LOG?: YesNo;
  // system
  NETWORKING_STACK?: string;
  DEST_LANG?: string;
  /** IANA time zone name; written by the customize script, not a framework variable. */
  timezone?: string;
  CONSOLE_AUTOLOGIN?: YesNo;
  BSPFREEZE?: YesNo;
  SKIP_ARMBIAN_REPO?: YesNo;
  /** The image's host name (the framework's HOST; defaults to BOARD). */
  HOST?: string;
  /** First login (PRESET_* of armbian-firstlogin), written by the plan's first-run extension. */
  firstbootUserName?: string;
  firstbootLocale?: string;
  firstbootTimezone?: string;
  firstbootWifiSsid?: string;
  firstbootWifiCountry?: string;
  /** A fixed IPv4 address instead of DHCP (PRESET_NET_STATIC_*), with its mask, gateway and DNS. */
  firstbootStaticIp?: string;
  firstbootStaticMask?: string;
  firstbootStaticGateway?: string;
  /** Space-separated IPv4 addresses. */
  firstbootStaticDns?: string;
  /** SSH public keys, one per line, for root and the first user (multiline → Y.Text). */
  firstbootSshKeys?: string;
  // customisation
  /** Exported joined with ','. */
  ENABLE_EXTENSIONS?: string[];
  /** Installed by the customize script. */
  extraPackages?: string[];
  /** customize-image.sh; a Y.Text in the document. */
  customizeScript?: string;
  /** Bash lines written verbatim at the end of config-<name>.conf; a Y.Text in the document. */
  extraLines?: string;
  /** Free text about the configuration; a Y.Text in the document; not part of the build. */
  description?: string;
}

/** Every key of BoardConfig, in form order; the compiler rejects a missing or extra one. */
export const BOARD_CONFIG_KEYS = [
  'BOARD', 'BRANCH', 'RELEASE',
  'BUILD_MINIMAL', 'BUILD_DESKTOP', 'DESKTOP_ENVIRONMENT', 'DESKTOP_TIER', 'DESKTOP_AUTOLOGIN',
  'DESKTOP_ENVIRONMENT_CONFIG_NAME', 'DESKTOP_APPGROUPS_SELECTED',
  'KERNEL_CONFIGURE', 'KERNEL_BTF', 'EXTRAWIFI', 'INSTALL_HEADERS', 'DISABLE_KERNEL_PATCHES', 'KERNEL_COMPILER',
  'ROOTFS_TYPE', 'FIXED_IMAGE_SIZE', 'BTRFS_COMPRESSION', 'BTRFS_CHECKSUM', 'BOOTSIZE', 'SECTOR_SIZE', 'INCLUDE_HOME_DIR',
  'COMPRESS_OUTPUTIMAGE', 'IMAGE_XZ_COMPRESSION_RATIO', 'ZSTD_COMPRESSION_LEVEL', 'VENDOR', 'SHARE_LOG',
  'NETWORKING_STACK', 'DEST_LANG', 'timezone', 'CONSOLE_AUTOLOGIN', 'BSPFREEZE', 'SKIP_ARMBIAN_REPO', 'HOST',
  'firstbootUserName', 'firstbootLocale', 'firstbootTimezone', 'firstbootWifiSsid', 'firstbootWifiCountry',
  'firstbootStaticIp', 'firstbootStaticMask', 'firstbootStaticGateway', 'firstbootStaticDns', 'firstbootSshKeys',
  'ENABLE_EXTENSIONS', 'extraPackages', 'customizeScript', 'extraLines', 'description',
] as const satisfies readonly (keyof BoardConfig)[];

// Fails to compile when BoardConfig gains a key that BOARD_CONFIG_KEYS does not list.
type MissingKeys = Exclude<keyof BoardConfig, (typeof BOARD_CONFIG_KEYS)[number]>;
const _allKeysListed: [MissingKeys] extends [never] ? true : MissingKeys = true;
void _allKeysListed;
