/**
 * First-boot secrets (docs/security.md, "First-boot secrets"): the values the framework's
 * `preset-firstrun` mechanism writes into the image's `/root/.not_logged_in_yet`, which Armbian's
 * first login reads, and that must never be in the document. A closed set: each name is what the
 * REST routes and the change log say, `preset` the framework variable it becomes. Shared with the
 * client, which shows one write-only control per name.
 */
export const FIRSTBOOT_SECRETS = {
  rootPassword: { preset: 'PRESET_ROOT_PASSWORD', title: 'Root password' },
  userPassword: { preset: 'PRESET_USER_PASSWORD', title: 'First user\'s password' },
  wifiPassphrase: { preset: 'PRESET_NET_WIFI_KEY', title: 'Wi-Fi passphrase' },
} as const;

export type FirstbootSecretName = keyof typeof FIRSTBOOT_SECRETS;
export const FIRSTBOOT_SECRET_NAMES = Object.keys(FIRSTBOOT_SECRETS) as FirstbootSecretName[];

/** Longest value: a WPA passphrase is at most 63 characters, passwords are far shorter than this in
 * practice; a longer value is a paste gone wrong. */
export const FIRSTBOOT_SECRET_MAX_LENGTH = 256;

export function isFirstbootSecretName(value: unknown): value is FirstbootSecretName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(FIRSTBOOT_SECRETS, value);
}

/**
 * Why a value cannot be stored, or null. One line of printable characters: the value becomes one
 * `NAME='value'` line of a file the image's first login sources, so a newline or a control
 * character would end the line early (or hide a second one).
 */
export function firstbootSecretProblem(name: FirstbootSecretName, value: unknown): string | null {
  if (typeof value !== 'string') return 'value must be a string';
  if (value.length === 0) return 'value must not be empty (clear the secret instead)';
  if (value.length > FIRSTBOOT_SECRET_MAX_LENGTH) return `value must be at most ${FIRSTBOOT_SECRET_MAX_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return 'value must be one line without control characters';
  if (name === 'wifiPassphrase' && (value.length < 8 || value.length > 63)) return 'a Wi-Fi (WPA) passphrase has 8 to 63 characters';
  return null;
}

/** Which secrets a build uses: name → the id of the value set (a new id on every change), never
 * the value. It is in the build's content hash, so changing a secret makes a new build. */
export type FirstbootSecretStamp = Partial<Record<FirstbootSecretName, string>>;
