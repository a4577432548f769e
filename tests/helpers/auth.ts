/**
 * Accounts for tests: sign up through the real REST endpoint and use the returned bearer token.
 */
import { randomBytes } from 'node:crypto';

export interface TestUser {
  token: string;
  user: { id: string; email: string; name: string; isAdmin: boolean };
}

export async function signUp(baseUrl: string, name = 'Tester'): Promise<TestUser> {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${randomBytes(4).toString('hex')}@example.test`;
  const res = await fetch(`${baseUrl}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, name, password: 'correct horse battery' }),
  });
  if (res.status !== 201) throw new Error(`signup: ${res.status} ${await res.text()}`);
  return (await res.json()) as TestUser;
}

/** fetch with the user's bearer token and a JSON content type. */
export function authed(baseUrl: string, token: string | null) {
  return (path: string, init: RequestInit = {}) =>
    fetch(`${baseUrl}${path}`, {
      ...init,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(init.headers as Record<string, string> | undefined),
      },
    });
}
