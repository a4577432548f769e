/**
 * The first-login settings of a configuration (System section, after the framework's system
 * switches): what `armbian-firstlogin` reads as `PRESET_*` from `/root/.not_logged_in_yet`, written
 * by the plan's boardroom-firstrun extension (builder/plan/firstrun.ts). Not framework build
 * variables, so camelCase (`x-export: script`); the passwords and the Wi-Fi passphrase are
 * first-boot secrets, never fields (docs/security.md, "First-boot secrets"). In form order.
 */
import { ConfigLimits } from './limits.ts';
import type { PropertySchema } from './types.ts';

/** One dotted IPv4 address, each part 0–255 without leading zeros. */
const IPV4_PART = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4_BODY = `${IPV4_PART}(\\.${IPV4_PART}){3}`;
const IPV4 = `^${IPV4_BODY}$`;
const IPV4_HINT = 'an IPv4 address such as 192.168.1.50';

export const FIRSTBOOT_PROPERTIES: ReadonlyArray<[string, Omit<PropertySchema, 'x-section' | 'x-order'>]> = [
  [
    'firstbootUserName',
    {
      type: 'string',
      title: 'First user',
      description: 'Account the first login creates without asking (PRESET_USER_NAME). Its password is a first-boot secret.',
      maxLength: 32,
      pattern: '^[a-z_][a-z0-9_-]{0,31}$',
      'x-pattern-hint': 'a Linux user name: lower-case letters, digits, _ and -, starting with a letter or _',
      'x-widget': 'text',
      'x-export': 'script',
    },
  ],
  [
    'firstbootLocale',
    {
      type: 'string',
      title: 'First-login locale',
      description: 'Locale the first login sets without asking (PRESET_LOCALE), such as en_US.UTF-8.',
      maxLength: ConfigLimits.shortTextLength,
      pattern: '^[A-Za-z]{2,3}(_[A-Za-z]{2,3})?(\\.[A-Za-z0-9-]+)?(@[A-Za-z]+)?$',
      'x-pattern-hint': 'a locale name such as en_US.UTF-8',
      'x-widget': 'text',
      'x-export': 'script',
    },
  ],
  [
    'firstbootTimezone',
    {
      type: 'string',
      title: 'First-login time zone',
      description: 'Time zone the first login sets without asking (PRESET_TIMEZONE), an IANA name such as Europe/Berlin.',
      maxLength: ConfigLimits.shortTextLength,
      pattern: '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}$',
      'x-pattern-hint': 'an IANA time zone name such as Europe/Berlin or UTC',
      'x-widget': 'text',
      'x-export': 'script',
    },
  ],
  [
    'firstbootWifiSsid',
    {
      type: 'string',
      title: 'Wi-Fi network',
      description: 'SSID the first login connects to (PRESET_NET_WIFI_SSID); its passphrase is a first-boot secret.',
      maxLength: 32,
      pattern: '^[^\\u0000-\\u001f\\u007f]+$',
      'x-pattern-hint': 'a network name of up to 32 characters, one line',
      'x-widget': 'text',
      'x-export': 'script',
    },
  ],
  [
    'firstbootWifiCountry',
    {
      type: 'string',
      title: 'Wi-Fi country',
      description: 'Regulatory country of the Wi-Fi (PRESET_NET_WIFI_COUNTRYCODE), ISO 3166-1 alpha-2 such as DE or US.',
      maxLength: 2,
      pattern: '^[A-Z]{2}$',
      'x-pattern-hint': 'two capital letters such as DE, GB or US',
      'x-widget': 'text',
      'x-export': 'script',
    },
  ],
  [
    'firstbootStaticIp',
    {
      type: 'string',
      title: 'Static IP address',
      description: 'A fixed IPv4 address the first login configures instead of DHCP (PRESET_NET_STATIC_IP). Needs the mask and the gateway.',
      maxLength: 15,
      pattern: IPV4,
      'x-pattern-hint': IPV4_HINT,
      'x-widget': 'text',
      'x-export': 'script',
    },
  ],
  [
    'firstbootStaticMask',
    {
      type: 'string',
      title: 'Network mask',
      description: 'Mask of the static address (PRESET_NET_STATIC_MASK), such as 255.255.255.0.',
      maxLength: 15,
      pattern: IPV4,
      'x-pattern-hint': 'a dotted mask such as 255.255.255.0',
      'x-widget': 'text',
      'x-export': 'script',
    },
  ],
  [
    'firstbootStaticGateway',
    {
      type: 'string',
      title: 'Gateway',
      description: 'Default gateway of the static address (PRESET_NET_STATIC_GATEWAY).',
      maxLength: 15,
      pattern: IPV4,
      'x-pattern-hint': IPV4_HINT,
      'x-widget': 'text',
      'x-export': 'script',
    },
  ],
  [
    'firstbootStaticDns',
    {
      type: 'string',
      title: 'DNS servers',
      description: 'Name servers of the static address, separated by spaces (PRESET_NET_STATIC_DNS), such as 9.9.9.9 1.1.1.1.',
      maxLength: 79,
      pattern: `^${IPV4_BODY}( ${IPV4_BODY}){0,4}$`,
      'x-pattern-hint': 'one to five IPv4 addresses separated by single spaces',
      'x-widget': 'text',
      'x-export': 'script',
    },
  ],
  [
    'firstbootSshKeys',
    {
      type: 'string',
      format: 'multiline',
      title: 'SSH public keys',
      description: 'Keys allowed to log in over SSH, one per line (ssh-ed25519 AAAA… name), for root and for the first user the first login creates. Public keys only: they are not secret.',
      maxLength: ConfigLimits.sshKeysLength,
      'x-widget': 'textarea',
      'x-export': 'script',
    },
  ],
];
