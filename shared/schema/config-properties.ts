/**
 * The properties of one board configuration, section by section in the order the Armbian build
 * reads them: target (board → branch → release) → image (minimal/desktop) → kernel → filesystem
 * → output → system → customisation.
 *
 * Naming: a property spelled in UPPER_CASE is exactly the Armbian build variable of that name,
 * exported verbatim as a line of `userpatches/config-<name>.conf` (lists joined with the
 * framework's separator). A camelCase property is Boardroom's own: the framework has no variable
 * for it, and the builder turns it into `customize-image.sh` (timezone, extraPackages,
 * customizeScript) or keeps it as metadata (description). `x-export` says which.
 *
 * Titles and descriptions are our own words; enumerations and defaults come from the data.
 */
import type { BuildOptions } from './build-options.ts';
import type { FrameworkFacts } from './framework-facts.ts';
import { FIRSTBOOT_PROPERTIES } from './firstboot-properties.ts';
import { ConfigLimits } from './limits.ts';
import type { BoardFacts, EnumDetail, PropertySchema, ReleaseFacts, SectionId } from './types.ts';

type Common = Pick<PropertySchema, 'title' | 'description'> & Partial<PropertySchema>;

/** Shell-safe one-line values: the conf file is a bash script the framework sources. */
const SAFE_WORD = '^[A-Za-z0-9][A-Za-z0-9._+-]*$';
const SAFE_WORD_HINT = 'letters, digits and . _ + - (no spaces), starting with a letter or digit';

function place(section: SectionId, order: number, p: Omit<PropertySchema, 'x-section' | 'x-order'>): PropertySchema {
  return { ...p, 'x-section': section, 'x-order': order };
}

/** A yes/no Armbian switch; the default is the framework's unless `override` says otherwise. */
function yesNo(options: BuildOptions, name: string, common: Common): Omit<PropertySchema, 'x-section' | 'x-order'> {
  const option = options.get(name);
  const prop: Omit<PropertySchema, 'x-section' | 'x-order'> = {
    type: 'string',
    enum: options.values(name),
    maxLength: ConfigLimits.identifierLength,
    'x-widget': 'toggle',
    'x-export': 'conf',
    ...common,
  };
  if (!('default' in common) && typeof option.default === 'string') prop.default = option.default;
  return prop;
}

function choice(options: BuildOptions, name: string, common: Common): Omit<PropertySchema, 'x-section' | 'x-order'> {
  const option = options.get(name);
  const prop: Omit<PropertySchema, 'x-section' | 'x-order'> = {
    type: 'string',
    enum: options.values(name),
    maxLength: ConfigLimits.identifierLength,
    'x-widget': 'select',
    'x-export': 'conf',
    ...common,
  };
  if (!('default' in common) && typeof option.default === 'string') prop.default = option.default;
  return prop;
}

function integer(options: BuildOptions, name: string, common: Common & { maximum: number }): Omit<PropertySchema, 'x-section' | 'x-order'> {
  const option = options.get(name);
  const prop: Omit<PropertySchema, 'x-section' | 'x-order'> = {
    type: 'integer',
    'x-widget': 'number',
    'x-export': 'conf',
    ...common,
  };
  if (prop.minimum === undefined && option.minimum !== undefined) prop.minimum = option.minimum;
  if (option.unit) prop['x-unit'] = option.unit;
  if (!('default' in common) && typeof option.default === 'number') prop.default = option.default;
  return prop;
}

function desktopDetails(options: BuildOptions): EnumDetail[] {
  return (options.get('DESKTOP_ENVIRONMENT').valueDetails ?? []).map((d) => {
    const detail: EnumDetail = { value: d.value };
    if (d.status) detail.status = d.status;
    if (d.releases) detail.releases = [...d.releases];
    if (d.architectures) detail.architectures = [...d.architectures];
    if (d.note) detail.note = d.note;
    return detail;
  });
}

const DESKTOP_ONLY = { BUILD_DESKTOP: ['yes'] };
/** Where the first-login settings start in the System section (after HOST at 7). */
const FIRST_LOGIN_ORDER = 8;

export function configProperties(
  options: BuildOptions,
  boards: BoardFacts[],
  releases: ReleaseFacts[],
  framework: FrameworkFacts,
): Record<string, PropertySchema> {
  const outputDefault = String(options.get('COMPRESS_OUTPUTIMAGE').default ?? '').split(',').filter(Boolean);
  return {
    // ── target ────────────────────────────────────────────────────────────────────────────
    BOARD: place('target', 1, {
      type: 'string',
      title: 'Board',
      description: 'The single-board computer the image is for. It decides the family, architecture and the kernel branches you can pick.',
      enum: boards.map((b) => b.board),
      maxLength: ConfigLimits.identifierLength,
      'x-widget': 'board-picker',
      'x-export': 'conf',
    }),
    BRANCH: place('target', 2, {
      ...choice(options, 'BRANCH', {
        title: 'Kernel branch',
        description: 'Which kernel line to build. Each board lists the branches Armbian tests (current is the usual choice); its family may build others, with a warning.',
      }),
      // Every branch some family or board of the framework defines (the facts' list, oldlts included).
      enum: [...framework.branches],
    }),
    RELEASE: place('target', 3, {
      ...choice(options, 'RELEASE', {
        title: 'Release',
        description: 'The Debian or Ubuntu release the root filesystem is built from. It must be built for the board\'s architecture.',
      }),
      'x-enum-details': releases.map((r) => ({ value: r.release, label: r.label, status: r.support })),
    }),
    // ── image ─────────────────────────────────────────────────────────────────────────────
    BUILD_MINIMAL: place('image', 1, yesNo(options, 'BUILD_MINIMAL', {
      title: 'Minimal image',
      description: 'A lean console image without the usual utilities and boot splash. Cannot be combined with a desktop.',
    })),
    BUILD_DESKTOP: place('image', 2, yesNo(options, 'BUILD_DESKTOP', {
      title: 'Desktop image',
      description: 'Install a graphical desktop. Needs a board with video output, a desktop environment and a tier.',
    })),
    DESKTOP_ENVIRONMENT: place('image', 3, {
      ...choice(options, 'DESKTOP_ENVIRONMENT', {
        title: 'Desktop environment',
        description: 'Which desktop to install. Community and unsupported desktops may not work on every release.',
      }),
      'x-when': DESKTOP_ONLY,
      'x-enum-details': desktopDetails(options),
    }),
    DESKTOP_TIER: place('image', 4, {
      ...choice(options, 'DESKTOP_TIER', {
        title: 'Desktop tier',
        description: 'How much software comes with the desktop: minimal (desktop only), mid (browser and everyday apps) or full (office and creative tools).',
      }),
      'x-when': DESKTOP_ONLY,
    }),
    DESKTOP_AUTOLOGIN: place('image', 5, {
      ...yesNo(options, 'DESKTOP_AUTOLOGIN', {
        title: 'Log in to the desktop automatically',
        description: 'Start the desktop session for the first user without asking for a password.',
      }),
      'x-when': DESKTOP_ONLY,
    }),
    DESKTOP_ENVIRONMENT_CONFIG_NAME: place('image', 6, {
      type: 'string',
      title: 'Desktop package variant (legacy)',
      description: 'Old switch that picked a package variant of the desktop. The build framework ignores it now; use the desktop tier.',
      maxLength: ConfigLimits.shortTextLength,
      pattern: SAFE_WORD,
      'x-pattern-hint': SAFE_WORD_HINT,
      deprecated: true,
      'x-replaced-by': 'DESKTOP_TIER',
      'x-widget': 'text',
      'x-export': 'conf',
      'x-when': DESKTOP_ONLY,
    }),
    DESKTOP_APPGROUPS_SELECTED: place('image', 7, {
      type: 'string',
      title: 'Desktop app groups (legacy)',
      description: 'Old space-separated list of application groups. The groups are gone; when it is set and no tier is chosen, the framework installs the full tier.',
      maxLength: ConfigLimits.legacyListLength,
      pattern: '^[A-Za-z0-9_-]+( [A-Za-z0-9_-]+)*$',
      'x-pattern-hint': 'group names made of letters, digits, _ and -, separated by single spaces',
      deprecated: true,
      'x-replaced-by': 'DESKTOP_TIER',
      'x-widget': 'text',
      'x-export': 'conf',
      'x-when': DESKTOP_ONLY,
    }),
    // ── kernel ────────────────────────────────────────────────────────────────────────────
    KERNEL_CONFIGURE: place('kernel', 1, yesNo(options, 'KERNEL_CONFIGURE', {
      title: 'Open kernel menuconfig',
      description: 'yes would stop the build at the kernel\'s interactive configuration menu, which needs a terminal: Boardroom builds refuse it. Keep no and put kernel options in the configuration\'s kernel config file (the Kernel panel), where the team can review them.',
      // The framework has no default and asks interactively; a Boardroom build never has a terminal.
      default: options.get('KERNEL_CONFIGURE').recommended ?? 'no',
    })),
    KERNEL_BTF: place('kernel', 2, yesNo(options, 'KERNEL_BTF', {
      title: 'Kernel BTF debug info',
      description: 'BTF debug information in the kernel. no turns it off; yes forces it on even when the build host is short of memory. Left unset, it is on, and the build stops with an error when the host has less than about 6.3 GiB of memory available.',
    })),
    EXTRAWIFI: place('kernel', 3, yesNo(options, 'EXTRAWIFI', {
      title: 'Extra Wi-Fi drivers',
      description: 'Build the additional out-of-tree Wi-Fi drivers Armbian bundles with its kernels.',
    })),
    INSTALL_HEADERS: place('kernel', 4, yesNo(options, 'INSTALL_HEADERS', {
      title: 'Install kernel headers',
      description: 'Put the kernel headers in the image so modules (DKMS) can be built on the device.',
    })),
    DISABLE_KERNEL_PATCHES: place('kernel', 5, yesNo(options, 'DISABLE_KERNEL_PATCHES', {
      title: 'Vanilla kernel',
      description: 'Build the kernel without Armbian\'s patches (also drops the extra Wi-Fi drivers). Boards often need those patches to boot.',
    })),
    KERNEL_COMPILER: place('kernel', 6, {
      type: 'string',
      title: 'Kernel compiler',
      description: 'Override the compiler: clang, or a GCC cross prefix such as aarch64-linux-gnu-. Left unset, the family decides.',
      maxLength: ConfigLimits.shortTextLength,
      pattern: SAFE_WORD,
      'x-pattern-hint': SAFE_WORD_HINT,
      examples: ['clang', 'aarch64-linux-gnu-'],
      'x-widget': 'text',
      'x-export': 'conf',
    }),
    // ── filesystem ────────────────────────────────────────────────────────────────────────
    ROOTFS_TYPE: place('filesystem', 1, choice(options, 'ROOTFS_TYPE', {
      title: 'Root filesystem',
      description: 'Filesystem of the root partition. f2fs needs a fixed image size; nfs makes a boot-only image for network boot.',
    })),
    FIXED_IMAGE_SIZE: place('filesystem', 2, integer(options, 'FIXED_IMAGE_SIZE', {
      title: 'Fixed image size',
      description: 'Size of the image file in MiB. Left unset, the image is as small as its content and grows to fill the card on first boot.',
      maximum: ConfigLimits.maxImageSizeMiB,
    })),
    BTRFS_COMPRESSION: place('filesystem', 3, {
      // No default on purpose: a value here is only allowed with btrfs, and the framework uses zlib.
      type: 'string',
      title: 'Btrfs compression',
      description: 'Compression used while filling a btrfs root filesystem (mounted with compress-force): zlib, lzo, zstd or none, optionally with a level such as zstd:3 or zlib:9. Only for btrfs; the framework uses zlib when unset.',
      maxLength: ConfigLimits.identifierLength,
      pattern: options.get('BTRFS_COMPRESSION').pattern!,
      'x-pattern-hint': 'zlib, lzo, zstd or none; zlib:1–9 or zstd:1–15 for a level',
      examples: ['zstd:3', 'zlib', 'lzo'],
      'x-widget': 'text',
      'x-export': 'conf',
      'x-when': { ROOTFS_TYPE: ['btrfs'] },
    }),
    BTRFS_CHECKSUM: place('filesystem', 4, {
      ...choice(options, 'BTRFS_CHECKSUM', {
        title: 'Btrfs checksum',
        description: 'Checksum algorithm of a btrfs root filesystem. Left unset, btrfs uses crc32c.',
      }),
      'x-when': { ROOTFS_TYPE: ['btrfs'] },
    }),
    BOOTSIZE: place('filesystem', 5, integer(options, 'BOOTSIZE', {
      title: 'Boot partition size',
      description: 'Size of a separate /boot partition in MiB. Only used when the board, family or an extension asks for a boot partition; values of 8 or less mean the framework default of 256 MiB.',
      minimum: 1,
      maximum: ConfigLimits.maxBootSizeMiB,
    })),
    SECTOR_SIZE: place('filesystem', 6, choice(options, 'SECTOR_SIZE', {
      title: 'Sector size',
      description: 'Logical sector size used when partitioning: 512 for SD cards and eMMC, 4096 for UFS storage.',
    })),
    INCLUDE_HOME_DIR: place('filesystem', 7, yesNo(options, 'INCLUDE_HOME_DIR', {
      title: 'Keep /home contents',
      description: 'Keep files created under /home during the build in the image.',
    })),
    // ── output ────────────────────────────────────────────────────────────────────────────
    COMPRESS_OUTPUTIMAGE: place('output', 1, {
      type: 'array',
      title: 'Image output',
      description: 'What the framework does with the finished image. sha writes a SHA-256 .sha file. xz compresses the image and deletes the raw .img; zst (or zstd) does the same with zstd. Only one compressor runs: with xz and zst both listed you get xz only. img is never read: the raw .img stays whenever no compressor is listed. Left empty, the framework uses sha,img.',
      items: {
        type: 'string',
        title: 'Output step',
        enum: options.values('COMPRESS_OUTPUTIMAGE'),
        maxLength: ConfigLimits.identifierLength,
      },
      maxItems: ConfigLimits.maxOutputSteps,
      default: outputDefault,
      'x-widget': 'multi-select',
      'x-export': 'conf',
    }),
    IMAGE_XZ_COMPRESSION_RATIO: place('output', 2, {
      ...integer(options, 'IMAGE_XZ_COMPRESSION_RATIO', {
        title: 'xz level',
        description: 'xz preset from 0 (fast) to 9 (small). Left unset, the build host picks one.',
        maximum: options.get('IMAGE_XZ_COMPRESSION_RATIO').maximum ?? 9,
      }),
      'x-when': { COMPRESS_OUTPUTIMAGE: ['xz'] },
    }),
    ZSTD_COMPRESSION_LEVEL: place('output', 3, {
      ...integer(options, 'ZSTD_COMPRESSION_LEVEL', {
        title: 'zstd level',
        description: 'zstd level from 1 (fast) to 22 (small). Left unset, the build host picks one.',
        maximum: options.get('ZSTD_COMPRESSION_LEVEL').maximum ?? 22,
      }),
      'x-when': { COMPRESS_OUTPUTIMAGE: ['zst', 'zstd'] },
    }),
    VENDOR: place('output', 4, {
      type: 'string',
      title: 'Vendor name',
      description: 'Prefix of the image file name and the vendor shown on the device.',
      default: String(options.get('VENDOR').default),
      maxLength: ConfigLimits.shortTextLength,
      pattern: SAFE_WORD,
      'x-pattern-hint': SAFE_WORD_HINT,
      'x-widget': 'text',
      'x-export': 'conf',
    }),
    SHARE_LOG: place('output', 5, yesNo(options, 'SHARE_LOG', {
      title: 'Publish build log',
      description: 'Upload the build log to Armbian\'s public paste service and print its link.',
    })),
    ...systemAndCustomisation(options),
  };
}

function systemAndCustomisation(options: BuildOptions): Record<string, PropertySchema> {
  return {
    // ── system ────────────────────────────────────────────────────────────────────────────
    NETWORKING_STACK: place('system', 1, choice(options, 'NETWORKING_STACK', {
      title: 'Networking',
      description: 'Network manager of the image. Left unset: systemd-networkd for minimal images, NetworkManager otherwise.',
    })),
    DEST_LANG: place('system', 2, {
      type: 'string',
      title: 'Locale',
      description: 'Default locale of the image, such as en_US.UTF-8 or de_DE.UTF-8.',
      default: String(options.get('DEST_LANG').default),
      maxLength: ConfigLimits.shortTextLength,
      pattern: '^[A-Za-z]{2,3}(_[A-Za-z]{2,3})?(\\.[A-Za-z0-9-]+)?(@[A-Za-z]+)?$',
      'x-pattern-hint': 'a locale name such as en_US.UTF-8',
      'x-widget': 'text',
      'x-export': 'conf',
    }),
    timezone: place('system', 3, {
      type: 'string',
      title: 'Time zone',
      description: 'Time zone of the image, an IANA name such as Europe/Berlin. Left unset, the image keeps the build\'s default.',
      maxLength: ConfigLimits.shortTextLength,
      pattern: '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}$',
      'x-pattern-hint': 'an IANA time zone name such as Europe/Berlin or UTC',
      examples: ['UTC', 'Europe/Berlin', 'America/New_York'],
      'x-widget': 'text',
      'x-export': 'script',
    }),
    CONSOLE_AUTOLOGIN: place('system', 4, yesNo(options, 'CONSOLE_AUTOLOGIN', {
      title: 'Console autologin',
      description: 'Log in as root on local consoles automatically at first run. Turn it off where that is a security concern.',
    })),
    BSPFREEZE: place('system', 5, yesNo(options, 'BSPFREEZE', {
      title: 'Hold kernel and firmware packages',
      description: 'Keep apt upgrades on the device from replacing the kernel, U-Boot, device trees and firmware.',
    })),
    SKIP_ARMBIAN_REPO: place('system', 6, yesNo(options, 'SKIP_ARMBIAN_REPO', {
      title: 'Leave out the Armbian repository',
      description: 'Ship the image with the Armbian apt repository disabled.',
    })),
    // The framework's own variable (lib/functions/configuration/main-config.sh: `HOST` defaults to
    // BOARD; rootfs/distro-agnostic.sh writes it to /etc/hostname and /etc/hosts).
    HOST: place('system', 7, {
      type: 'string',
      title: 'Host name',
      description: 'Host name of the image (/etc/hostname). Left unset, the board\'s name.',
      maxLength: 63,
      pattern: '^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$',
      'x-pattern-hint': 'one host name label: letters, digits and -, not starting or ending with -',
      'x-widget': 'text',
      'x-export': 'conf',
    }),
    // First login (shared/schema/firstboot-properties.ts), in its own order after the switches.
    ...Object.fromEntries(FIRSTBOOT_PROPERTIES.map(([name, property], i) => [name, place('system', FIRST_LOGIN_ORDER + i, property)])),
    // ── customisation ─────────────────────────────────────────────────────────────────────
    ENABLE_EXTENSIONS: place('customisation', 1, {
      type: 'array',
      title: 'Extensions',
      description: 'Build-framework extensions to switch on, such as docker-ce, cloud-init or image-output-qcow2.',
      items: {
        type: 'string',
        title: 'Extension name',
        minLength: 1,
        maxLength: ConfigLimits.identifierLength,
        pattern: SAFE_WORD,
        'x-pattern-hint': SAFE_WORD_HINT,
      },
      maxItems: ConfigLimits.maxExtensions,
      default: [],
      examples: [['docker-ce', 'cloud-init']],
      'x-widget': 'tags',
      'x-export': 'conf',
    }),
    extraPackages: place('customisation', 2, {
      type: 'array',
      title: 'Extra packages',
      description: 'Debian packages installed into the image on top of the standard set.',
      items: {
        type: 'string',
        title: 'Package name',
        minLength: 1,
        maxLength: ConfigLimits.packageNameLength,
        pattern: '^[a-z0-9][a-z0-9+.-]+(:[a-z0-9]+)?$',
        'x-pattern-hint': 'a Debian package name: lower-case letters, digits, + . and -, optionally :architecture',
      },
      maxItems: ConfigLimits.maxExtraPackages,
      default: [],
      'x-widget': 'tags',
      'x-export': 'script',
    }),
    customizeScript: place('customisation', 3, {
      type: 'string',
      format: 'multiline',
      title: 'Customize script',
      description: 'Shell script run inside the image before it is packed (customize-image.sh). It gets RELEASE, LINUXFAMILY, BOARD, BUILD_DESKTOP and ARCH as arguments.',
      maxLength: ConfigLimits.customizeScriptLength,
      default: '',
      examples: ['#!/bin/bash\n# runs inside the image before it is packed'],
      'x-widget': 'code',
      'x-export': 'script',
    }),
    extraLines: place('customisation', 4, {
      type: 'string',
      format: 'multiline',
      title: 'Extra lines',
      description: 'Bash lines written verbatim at the end of config-<name>.conf, after the settings above: functions, conditionals and variables Boardroom has no field for. Import keeps here whatever it cannot map.',
      maxLength: ConfigLimits.extraLinesLength,
      default: '',
      examples: ['# sourced by the framework after the settings above\nfunction user_config__my_tweaks() {\n\tdisplay_alert "my tweaks" "${BOARD}" "info"\n}'],
      'x-widget': 'code',
      'x-export': 'conf',
    }),
    description: place('customisation', 5, {
      type: 'string',
      format: 'multiline',
      title: 'Description',
      description: 'What this configuration is for, in a few lines. Not part of the build.',
      maxLength: ConfigLimits.descriptionLength,
      default: '',
      'x-widget': 'textarea',
      'x-export': 'none',
    }),
  };
}
