/**
 * `login`, `logout`, `whoami`. A CI job needs none of them: it sets `BOARDROOM_URL` and
 * `BOARDROOM_TOKEN`. A person signs in once with a token (`--token`, or `--token-stdin`) or their
 * email and password (`--password-stdin`); the CLI keeps the token, never the password.
 */
import { CliError, createApiClient } from './api-client.ts';
import { forgetCredentials, loadCredentials, saveCredentials } from './credentials.ts';
import { print, type CommandContext } from './io.ts';

interface Me {
  user: { id: string; email: string; name: string };
}

export interface LoginOptions {
  url?: string;
  email?: string;
  token?: string;
  tokenStdin?: boolean;
  passwordStdin?: boolean;
}

export async function login(ctx: CommandContext, options: LoginOptions): Promise<number> {
  const { env } = ctx.io;
  const saved = await loadCredentials(env);
  const url = options.url ?? saved.url;
  if (!url) throw new CliError('login needs the server: --url https://boardroom.example.com (or BOARDROOM_URL)', 2);
  let token = options.token ?? (options.tokenStdin ? (await ctx.io.readStdin()).trim() : undefined);
  if (!token) {
    const email = options.email;
    const password = options.passwordStdin ? (await ctx.io.readStdin()).replace(/\r?\n$/, '') : env.BOARDROOM_PASSWORD;
    if (!email || !password) throw new CliError('login needs --token (or --token-stdin), or --email with --password-stdin (or BOARDROOM_PASSWORD)', 2);
    const anonymous = createApiClient(url, null, ctx.io.fetch);
    ({ token } = await anonymous.json<{ token: string }>('POST', '/api/auth/login', { email, password }));
  }
  const me = await createApiClient(url, token, ctx.io.fetch).json<Me>('GET', '/api/auth/me');
  const file = await saveCredentials(env, { url, token: token! });
  print(ctx, { url, user: me.user, credentials: file }, () => [`Signed in to ${url} as ${me.user.name} <${me.user.email}>.`, `Token saved in ${file}.`]);
  return 0;
}

export async function logout(ctx: CommandContext): Promise<number> {
  const saved = await loadCredentials(ctx.io.env);
  if (saved.url && saved.token) {
    // Ends a session made by `login --email`; a personal access token stays valid until revoked
    // on the account page, which is said below.
    await createApiClient(saved.url, saved.token, ctx.io.fetch)
      .json('POST', '/api/auth/logout')
      .catch(() => undefined);
  }
  await forgetCredentials(ctx.io.env);
  print(ctx, { signedOut: true }, () => ['Signed out; the saved token is deleted here (revoke an access token on the account page).']);
  return 0;
}

export async function whoami(ctx: CommandContext): Promise<number> {
  const api = await ctx.api();
  const me = await api.json<Me>('GET', '/api/auth/me');
  print(ctx, { url: api.url, user: me.user }, () => [`${me.user.name} <${me.user.email}> on ${api.url}`]);
  return 0;
}
