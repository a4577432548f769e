/**
 * Where the CLI finds the server and the token: `BOARDROOM_URL` and `BOARDROOM_TOKEN` first (a CI
 * job's secrets), else what `boardroom login` saved in `$BOARDROOM_CONFIG_DIR` (default
 * `$XDG_CONFIG_HOME/boardroom`, else `~/.config/boardroom`), `credentials.json`, readable by its
 * owner only: the token is a password.
 */
import { mkdir, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface Credentials {
  url: string;
  token: string;
}

export type Env = Record<string, string | undefined>;

export function configDir(env: Env): string {
  if (env.BOARDROOM_CONFIG_DIR) return env.BOARDROOM_CONFIG_DIR;
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(base, 'boardroom');
}

const fileOf = (env: Env) => path.join(configDir(env), 'credentials.json');

export async function loadCredentials(env: Env): Promise<Partial<Credentials>> {
  let saved: Partial<Credentials> = {};
  try {
    const parsed = JSON.parse(await readFile(fileOf(env), 'utf8')) as unknown;
    if (parsed && typeof parsed === 'object') {
      const { url, token } = parsed as Record<string, unknown>;
      saved = { url: typeof url === 'string' ? url : undefined, token: typeof token === 'string' ? token : undefined };
    }
  } catch {
    // No file (never logged in) or an unreadable one: the environment may still have both.
  }
  return { url: env.BOARDROOM_URL || saved.url, token: env.BOARDROOM_TOKEN || saved.token };
}

export async function saveCredentials(env: Env, credentials: Credentials): Promise<string> {
  const file = fileOf(env);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  // An existing file keeps its old mode on write: make it private either way.
  await chmod(file, 0o600);
  return file;
}

export async function forgetCredentials(env: Env): Promise<void> {
  await rm(fileOf(env), { force: true });
}
