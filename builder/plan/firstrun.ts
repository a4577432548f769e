/**
 * First-boot secrets in a build (docs/security.md, "First-boot secrets"). The framework's first
 * login (`armbian-firstlogin`) sources `/root/.not_logged_in_yet` in the image and applies the
 * `PRESET_*` variables found there; the framework's `preset-firstrun` extension shows the hook
 * (`post_family_tweaks`) and the variables. That extension writes fixed example values
 * (`PRESET_ROOT_PASSWORD=RootPassword`), so the plan never enables it: it writes its own user
 * extension, `boardroom-firstrun`, with the same hook and variables, whose values come from a
 * private file of the build's workspace:
 *
 * - the extension (a plan file and artifact) holds no value, only the file's name;
 * - the values file (`userpatches/extensions/boardroom-firstrun-secrets.conf`, mode 0600) is
 *   written by the executor into the build's private workspace only: never an artifact, never in
 *   the manifest or SHA256SUMS, removed with the workspace.
 *
 * Reproducing a build from its artifacts needs that file written by hand; without it the
 * extension stops the build with a message rather than build an image without the passwords.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FIRSTBOOT_SECRETS, type FirstbootSecretName } from '../../shared/firstboot-secrets.ts';
import { shellWord } from './shell.ts';
import { sshKeyLines } from '../../shared/ssh-keys.ts';

export const FIRSTRUN_EXTENSION = 'boardroom-firstrun';
/** Relative to userpatches/: under `extensions/boardroom-*`, which a configuration's own files may
 * not use (shared/files/file-path.ts). */
export const FIRSTRUN_SECRETS_FILE = `extensions/${FIRSTRUN_EXTENSION}-secrets.conf`;

/** Ends the here-document of the settings; no settings line can equal it (each is `NAME='…'`). */
const HEREDOC = 'BOARDROOM_FIRSTRUN';
/** Ends the here-document of the SSH keys; no key line can equal it (each starts with its type). */
const KEYS_HEREDOC = 'BOARDROOM_SSH_KEYS';

/** The configuration's SSH public key lines (validated: shared/ssh-keys.ts), or none. */
export function firstrunSshKeys(config: Record<string, unknown>): string[] {
  const text = config.firstbootSshKeys;
  return typeof text === 'string' ? sshKeyLines(text).map(({ key }) => key) : [];
}

/** The configuration's own (not secret) first-login settings: `PRESET_*` name → value. */
export function firstrunPresets(config: Record<string, unknown>): Array<[string, string]> {
  const text = (key: string): string | null => (typeof config[key] === 'string' && config[key] !== '' ? (config[key] as string) : null);
  const presets: Array<[string, string]> = [];
  const user = text('firstbootUserName');
  if (user) presets.push(['PRESET_USER_NAME', user]);
  const locale = text('firstbootLocale');
  if (locale) presets.push(['PRESET_LOCALE', locale]);
  const timezone = text('firstbootTimezone');
  if (timezone) presets.push(['PRESET_TIMEZONE', timezone]);
  const ssid = text('firstbootWifiSsid');
  const staticIp = text('firstbootStaticIp');
  // The framework's own example: network presets apply only with CHANGE_DEFAULTS.
  if (ssid || staticIp) presets.push(['PRESET_NET_CHANGE_DEFAULTS', '1']);
  if (ssid) {
    // Wi-Fi only when enabled; with Wi-Fi on, the first login leaves Ethernet off.
    presets.push(['PRESET_NET_WIFI_ENABLED', '1'], ['PRESET_NET_WIFI_SSID', ssid]);
    const country = text('firstbootWifiCountry');
    if (country) presets.push(['PRESET_NET_WIFI_COUNTRYCODE', country]);
  } else if (staticIp) {
    presets.push(['PRESET_NET_ETHERNET_ENABLED', '1']);
  }
  if (staticIp) {
    // Validation makes mask and gateway present with the address (shared/validation/rules.ts).
    presets.push(['PRESET_NET_USE_STATIC', '1'], ['PRESET_NET_STATIC_IP', staticIp]);
    const mask = text('firstbootStaticMask');
    if (mask) presets.push(['PRESET_NET_STATIC_MASK', mask]);
    const gateway = text('firstbootStaticGateway');
    if (gateway) presets.push(['PRESET_NET_STATIC_GATEWAY', gateway]);
    const dns = text('firstbootStaticDns');
    if (dns) presets.push(['PRESET_NET_STATIC_DNS', dns]);
  }
  return presets;
}

/** The extension: appends the configuration's first-login settings, then the secrets' values file,
 * to what the framework (or `userpatches/firstboot.conf`) put into `/root/.not_logged_in_yet`, and
 * keeps that file readable by root only. */
export function renderFirstrunExtension(header: string[], presets: ReadonlyArray<[string, string]>, names: readonly FirstbootSecretName[], sshKeys: readonly string[] = []): string {
  const fn = `post_family_tweaks__${FIRSTRUN_EXTENSION.replace(/-/g, '_')}`;
  const lines = [
    ...header,
    `# first-login settings for armbian-firstlogin: ${[...presets.map(([n]) => n), ...names.map((n) => FIRSTBOOT_SECRETS[n].preset)].join(' ')}`,
  ];
  if (names.length > 0) lines.push(`# the secrets' values are in userpatches/${FIRSTRUN_SECRETS_FILE}, which Boardroom writes only into the build's private workspace`);
  lines.push(`function ${fn}() {`, '\tdisplay_alert "Boardroom" "first-login settings (secret values not shown)" "info"');
  if (presets.length > 0) {
    lines.push(`\tcat >> "\${SDCARD}/root/.not_logged_in_yet" <<- '${HEREDOC}'`, ...presets.map(([n, v]) => `\t${n}=${quoted(v)}`), `\t${HEREDOC}`);
  }
  if (names.length > 0) {
    lines.push(
      `\tlocal values="\${USERPATCHES_PATH}/${FIRSTRUN_SECRETS_FILE}"`,
      `\tif [[ ! -f "\${values}" ]]; then`,
      `\t\texit_with_error "first-boot secret values missing" "\${values}"`,
      '\tfi',
      '\tcat "${values}" >> "${SDCARD}/root/.not_logged_in_yet"',
    );
  }
  lines.push('\tchmod 600 "${SDCARD}/root/.not_logged_in_yet"');
  if (sshKeys.length > 0) {
    // root's keys, and /etc/skel's, which adduser copies into the home of the user the first
    // login creates (armbian-firstlogin makes that user after the image is built).
    lines.push(`\tlocal dir`, `\tfor dir in "\${SDCARD}/root/.ssh" "\${SDCARD}/etc/skel/.ssh"; do`, '\t\tinstall -d -m 700 "${dir}"');
    lines.push(`\t\tcat >> "\${dir}/authorized_keys" <<- '${KEYS_HEREDOC}'`, ...sshKeys.map((k) => `\t\t${k}`), `\t\t${KEYS_HEREDOC}`);
    lines.push('\t\tchmod 600 "${dir}/authorized_keys"', '\tdone');
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** The values file: one `PRESET_NAME='value'` line per secret, single-quoted for the `source` of
 * the first login (values are one line without control characters: firstbootSecretProblem). */
export function renderFirstrunSecrets(values: ReadonlyMap<FirstbootSecretName, string>): string {
  const names = [...values.keys()].sort();
  return names.map((name) => `${FIRSTBOOT_SECRETS[name].preset}=${quoted(values.get(name)!)}\n`).join('');
}

/** Always quoted (shellWord leaves some words bare), so a value is never read as anything else. */
function quoted(value: string): string {
  const word = shellWord(value);
  return word.startsWith("'") ? word : `'${word}'`;
}

/** Writes the values file under `userpatchesDir` readable by its owner only (created 0600, and
 * chmod in case the file was there). */
export async function writeFirstrunSecrets(userpatchesDir: string, values: ReadonlyMap<FirstbootSecretName, string>): Promise<string> {
  const target = path.join(userpatchesDir, FIRSTRUN_SECRETS_FILE);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, renderFirstrunSecrets(values), { encoding: 'utf8', mode: 0o600 });
  await chmod(target, 0o600);
  return target;
}
