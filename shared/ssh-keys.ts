/**
 * SSH public keys as a configuration holds them (`firstbootSshKeys`: one key per line, blank
 * lines and `#` comments allowed) and what makes a line a key: the type, then the key blob in
 * base64, whose first field repeats the type (RFC 4253 §6.6), then an optional comment. The
 * check runs in the browser and on the server (shared/validation/rules.ts); the builder writes
 * the keys' lines as they are (builder/plan/firstrun.ts).
 */

/** Key types OpenSSH accepts in authorized_keys today (DSA is gone since OpenSSH 9.8). */
export const SSH_KEY_TYPES = [
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
] as const;

/** The lines that are keys: trimmed, without blank lines and comments. */
export function sshKeyLines(text: string): Array<{ line: number; key: string }> {
  return text
    .split('\n')
    .map((raw, i) => ({ line: i + 1, key: raw.trim() }))
    .filter(({ key }) => key !== '' && !key.startsWith('#'));
}

/** Why `key` is not an SSH public key line; null when it is one. */
export function sshKeyProblem(key: string): string | null {
  if (key.startsWith('-----BEGIN')) return 'this is a private key: paste the public key (the .pub file) instead, and keep the private key to yourself';
  const [type, blob] = key.split(/\s+/);
  if (!(SSH_KEY_TYPES as readonly string[]).includes(type)) return `not an SSH public key: it should start with one of ${SSH_KEY_TYPES.join(', ')}`;
  if (!blob || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob)) return `the key after ${type} is missing or is not base64`;
  let bytes: string;
  try {
    bytes = atob(blob);
  } catch {
    return `the key after ${type} is not valid base64`;
  }
  const length = bytes.length >= 4 ? ((bytes.charCodeAt(0) << 24) | (bytes.charCodeAt(1) << 16) | (bytes.charCodeAt(2) << 8) | bytes.charCodeAt(3)) >>> 0 : -1;
  if (length !== type.length || bytes.slice(4, 4 + length) !== type) return `the key is damaged or cut off: its data does not say ${type}`;
  return null;
}
