/**
 * A real server on port 0 against a fresh Postgres database (a copy of the migrated template,
 * tests/helpers/postgres.ts), torn down by the test.
 */
import { openDatabase, type Database } from '../../server/db/connect.ts';
import type { ScryptParams } from '../../server/auth/passwords.ts';
import { startServer, type RunningServer, type ServerOptions } from '../../server/server.ts';
import { grantAdmin } from '../../server/auth/instance-admins.ts';
import { authed, signUp, type TestUser } from './auth.ts';
import { testLogger } from './logger.ts';
import { createTestDatabase, type TestDatabase } from './postgres.ts';

export interface TestServer extends RunningServer {
  database: Database;
  testDb: TestDatabase;
  /** The first account made at start: an ordinary account, an instance admin only with `ownerIsAdmin`. */
  owner: TestUser;
  token: string;
  /** fetch as the owner */
  api: ReturnType<typeof authed>;
  /** Stops the server but keeps the database (for restart tests). */
  stop(): Promise<void>;
  /** Stops everything and drops the database. */
  cleanup(): Promise<void>;
}

/**
 * scrypt cost of passwords in test servers: N = 2^10 (1 MiB, about 2 ms) instead of production's
 * 2^15 (32 MiB, 50–100 ms, several times that on a loaded CI machine), which every sign-up in
 * every file paid. Hashes record their cost, so sign-in works the same; tests of the hashing
 * itself (its cost, its queue) ask for `realPasswordHashing`.
 */
export const TEST_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 10, r: 8, p: 1 };

export type TestServerOptions = Partial<Omit<ServerOptions, 'database'>> & {
  /** An existing database (a restart, a second process); default a fresh migrated one. */
  testDb?: TestDatabase;
  /** An owner made by an earlier server on the same database; default a new sign-up. */
  owner?: TestUser;
  /** Hash passwords at production cost (SCRYPT_PARAMS) instead of TEST_SCRYPT_PARAMS. */
  realPasswordHashing?: boolean;
  /** Make the owner an instance admin through the operator's grant (nobody is one by signing up). */
  ownerIsAdmin?: boolean;
};

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const { realPasswordHashing, testDb: given, owner: givenOwner, ownerIsAdmin, ...serverOptions } = options;
  const testDb = given ?? (await createTestDatabase('t', { migrated: true }));
  // The server migrates as in production; on a copy of the template that finds nothing to do.
  const database = await openDatabase({ databaseUrl: testDb.url, dataDir: 'memory://' });
  const passwordHashParams = realPasswordHashing ? undefined : TEST_SCRYPT_PARAMS;
  const server = await startServer({ database, logger: testLogger(), port: 0, passwordHashParams, ...serverOptions });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await server.close();
    await database.close();
  };
  const owner = givenOwner ?? (await signUp(server.url, 'Owner'));
  // The operator's grant (`npm run admin -- grant`), the way a real instance gets an admin.
  if (ownerIsAdmin) {
    if (!(await grantAdmin(database.db, owner.user.email))) throw new Error('grant: no owner account');
    owner.user.isAdmin = true;
  }
  return {
    ...server,
    database,
    testDb,
    owner,
    token: owner.token,
    api: authed(server.url, owner.token),
    stop,
    async cleanup() {
      await stop();
      await testDb.drop();
    },
  };
}

/** Creates a configuration as `who` (a server started by startTestServer, or { url, token }). */
export async function createConfig(
  who: { url: string; token: string },
  body: Record<string, unknown> = { name: 'test' },
): Promise<string> {
  const res = await authed(who.url, who.token)('/api/configs', { method: 'POST', body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`create config: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/**
 * Makes `member` a member of a configuration the way a person becomes one: the owner (`who`)
 * invites their email and they accept the invitation link while signed in.
 */
export async function addMember(who: { url: string; token: string }, configId: string, member: { token: string; user: { email: string } }, role: string): Promise<void> {
  const invited = await authed(who.url, who.token)(`/api/configs/${configId}/members`, { method: 'POST', body: JSON.stringify({ email: member.user.email, role }) });
  if (invited.status !== 201) throw new Error(`invite: ${invited.status} ${await invited.text()}`);
  const { token } = (await invited.json()) as { token?: string };
  if (!token) throw new Error('invite: no link returned (is SMTP configured?)');
  const accepted = await authed(who.url, member.token)('/api/invitations/accept', { method: 'POST', body: JSON.stringify({ token }) });
  if (accepted.status !== 200) throw new Error(`accept: ${accepted.status} ${await accepted.text()}`);
}

/** The bearer token test servers that are scraped use for `/metrics` (off without one). */
export const TEST_METRICS_TOKEN = 'test-metrics-token';

/** GET /metrics of a server started with `metricsToken: TEST_METRICS_TOKEN`. */
export function scrapeMetrics(url: string): Promise<Response> {
  return fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } });
}

/** Every SQL text the server's query pool sends from now on (drizzle's query logger). */
export function recordQueries(server: TestServer): string[] {
  const seen: string[] = [];
  (server.database.db as unknown as { session: { logger: { logQuery(q: string): void } } }).session.logger = { logQuery: (q) => void seen.push(q) };
  return seen;
}
