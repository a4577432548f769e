/**
 * Instance admins (docs/security.md, "Instance admins"): nobody is admin by signing up, first or
 * not; an ADMIN_EMAILS address is admin only once its account opened the logged proof link; the
 * operator's grant makes one directly; an address taken off the list is not admin after a
 * restart; every use of a power is logged as `admin power used`.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import postgres from 'postgres';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantAdmin, listAdmins } from '../server/auth/instance-admins.ts';
import { LOG_REDACT } from '../server/log-redact.ts';
import { MIGRATIONS_DIR, migratePostgres } from '../shared/node/db/migrate.ts';
import { authed, signUp, type TestUser } from './helpers/auth.ts';
import { synced } from './helpers/clients.ts';
import { createTestDatabase } from './helpers/postgres.ts';
import { useTestServer } from './helpers/rig.ts';
import { createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

const logLines: string[] = [];
const logger = pino({ level: 'info', redact: LOG_REDACT }, new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) }));
const logged = (msg: string) => logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => typeof l.msg === 'string' && l.msg.includes(msg));

const ALICE = `alice.${randomBytes(4).toString('hex')}@corp.test`;

async function signUpAs(url: string, email: string, name: string): Promise<TestUser> {
  const res = await fetch(`${url}/api/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, name, password: 'correct horse battery' }) });
  expect(res.status).toBe(201);
  return (await res.json()) as TestUser;
}

describe('instance admins', () => {
  let smtp: SMTPServer | null = null;
  const inbox: Array<{ to: string[]; data: string }> = [];
  // Registered before the rig, so it runs after the servers (and their mail connections) stopped.
  afterAll(async () => {
    if (smtp) await new Promise<void>((resolve) => smtp!.close(() => resolve()));
  });
  const rig = useTestServer({ logger, adminEmails: [ALICE] });
  const { server } = rig;
  let bob: TestUser; // an ordinary owner whose configuration admins may reach
  let alice: TestUser;
  let carol: TestUser;
  let configId: string;
  const as = (user: TestUser) => authed(server.url, user.token);
  const isAdmin = async (user: TestUser) => ((await (await as(user)('/api/auth/me')).json()) as { user: { isAdmin: boolean } }).user.isAdmin;

  beforeAll(async () => {
    bob = await signUp(server.url, 'Bob');
    configId = await createConfig({ url: server.url, token: bob.token }, { name: 'bobs board' });
  });

  it('makes nobody admin by signing up first', async () => {
    expect(server.owner.user.isAdmin).toBe(false);
    expect(await isAdmin(server.owner)).toBe(false);
    expect((await server.api(`/api/configs/${configId}`)).status).toBe(404);
    expect(await listAdmins(server.database.db)).toEqual([]);
  });

  it('a listed address is not admin until its account opens the logged proof link', async () => {
    alice = await signUpAs(server.url, ALICE.toUpperCase(), 'Alice');
    expect(alice.user.isAdmin).toBe(false);
    expect(await isAdmin(alice)).toBe(false);
    expect((await as(alice)(`/api/configs/${configId}`)).status).toBe(404);

    const line = await eventually(() => {
      const found = logged(`ADMIN_EMAILS lists ${ALICE}`).at(-1);
      if (!found) throw new Error('no proof link logged yet');
      return found;
    });
    const link = new URL(/(http\S+admin-proof\?token=\S+)/.exec(String(line.msg))![1]);
    const open = (user: TestUser | null, url = link) => authed(server.url, user?.token ?? null)(`${url.pathname}${url.search}`, { redirect: 'manual' });

    // Another account cannot use it, a changed token is worthless, and it needs a session.
    expect((await open(bob)).status).toBe(404);
    const forged = new URL(link);
    // A middle character: the last one of base64url may carry only padding bits, so changing it
    // can decode to the very same bytes (seen in CI once).
    const token = link.searchParams.get('token')!;
    const mid = Math.floor(token.length / 2);
    forged.searchParams.set('token', `${token.slice(0, mid)}${token[mid] === 'A' ? 'B' : 'A'}${token.slice(mid + 1)}`);
    expect((await open(alice, forged)).status).toBe(404);
    expect((await open(null)).status).toBe(401);
    expect(await isAdmin(alice)).toBe(false);

    const proven = await open(alice);
    expect(proven.status).toBe(303);
    expect(await isAdmin(alice)).toBe(true);
    expect(await isAdmin(bob)).toBe(false);
  });

  it('an admin reaches configurations of others, and each use of the power is logged', async () => {
    const read = await as(alice)(`/api/configs/${configId}`);
    expect(read.status).toBe(200);
    const list = (await (await as(alice)('/api/configs')).json()) as { id: string }[];
    expect(list.map((c) => c.id)).toContain(configId);

    await synced(rig.connect({ url: server.url, token: alice.token }, configId));
    const trashed = await createConfig({ url: server.url, token: bob.token }, { name: 'bobs old board' });
    expect((await as(bob)(`/api/configs/${trashed}`, { method: 'DELETE' })).status).toBe(204);
    const restored = await as(alice)(`/api/configs/${trashed}/restore`, { method: 'POST' });
    expect(((await restored.json()) as { restored: boolean }).restored).toBe(true);

    const uses = logged('admin power used');
    expect(uses).toContainEqual(
      expect.objectContaining({ power: 'ownEveryConfiguration', adminId: alice.user.id, configId, action: 'read', reqId: read.headers.get('x-request-id'), route: `GET /api/configs/${configId}` }),
    );
    expect(uses).toContainEqual(expect.objectContaining({ power: 'seeEveryConfiguration', adminId: alice.user.id, configId: null, action: 'list', route: 'GET /api/configs' }));
    expect(uses).toContainEqual(expect.objectContaining({ power: 'ownEveryConfiguration', adminId: alice.user.id, configId, action: 'read', route: `WS /sync/${configId}` }));
    expect(uses).toContainEqual(expect.objectContaining({ power: 'restoreAnyTrash', adminId: alice.user.id, configId: trashed, action: 'restore', route: `POST /api/configs/${trashed}/restore` }));
    // Bob on his own configuration uses no power; no line carries a session token.
    expect((await as(bob)(`/api/configs/${configId}`)).status).toBe(200);
    expect(uses.every((u) => u.adminId === alice.user.id)).toBe(true);
    for (const u of uses) expect(JSON.stringify(u)).not.toContain(alice.token);
  });

  it("the operator's grant makes an admin of an unlisted address", async () => {
    carol = await signUp(server.url, 'Carol');
    expect(await grantAdmin(server.database.db, carol.user.email.toUpperCase())).toBe(true);
    expect(await grantAdmin(server.database.db, 'nobody@example.test')).toBe(false);
    expect(await isAdmin(carol)).toBe(true);
    expect((await as(carol)(`/api/configs/${configId}`)).status).toBe(200);
    expect(await listAdmins(server.database.db)).toEqual(
      expect.arrayContaining([expect.objectContaining({ email: ALICE, via: 'list' }), expect.objectContaining({ email: carol.user.email, via: 'grant' })]),
    );
  });

  it('with SMTP, a listed address that signs up is mailed its link', async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
        stream.on('end', () => {
          inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp!.listen(0, '127.0.0.1', () => resolve()));
    const port = (smtp.server.address() as AddressInfo).port;
    const dave = `dave.${randomBytes(4).toString('hex')}@corp.test`;
    const mailing = await rig.startAnother({ adminEmails: [ALICE, dave], smtpUrl: `smtp://127.0.0.1:${port}`, mailFrom: 'Boardroom <boardroom@example.test>' });
    const user = await signUpAs(mailing.url, dave, 'Dave');
    const mail = await eventually(() => inbox.find((m) => m.to.includes(dave)) ?? Promise.reject(new Error('no mail yet')));
    // Quoted-printable folds long lines and writes "=" as "=3D".
    const body = mail.data.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    const link = new URL(/(http\S+admin-proof\?token=\S+)/.exec(body)![1]);
    const proven = await authed(mailing.url, user.token)(`${link.pathname}${link.search}`, { redirect: 'manual' });
    expect(proven.status).toBe(303);
    expect((await authed(mailing.url, user.token)(`/api/configs/${configId}`)).status).toBe(200);
  });

  it('an address taken off ADMIN_EMAILS is not admin after a restart; a granted admin stays one', async () => {
    for (const c of rig.clients.splice(0)) c.destroy();
    await rig.restart({ adminEmails: [] });
    expect(await isAdmin(alice)).toBe(false);
    expect((await as(alice)(`/api/configs/${configId}`)).status).toBe(404);
    expect(logged('no longer in ADMIN_EMAILS')).toContainEqual(expect.objectContaining({ userId: alice.user.id }));
    expect(await isAdmin(carol)).toBe(true);
  });
});

describe('upgrading a database whose first account was admin', () => {
  it('leaves no account admin until listed and proven, or granted', async () => {
    const testDb = await createTestDatabase('admins');
    const folder = await mkdtemp(path.join(tmpdir(), 'boardroom-migrations-'));
    const db = postgres(testDb.url, { max: 1, onnotice: () => {} });
    try {
      // Every migration before this one (found by name: migrations are renumbered at merges).
      const journal = JSON.parse(await readFile(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ idx: number; tag: string }> };
      const adminsMigration = journal.entries.find((e) => e.tag.endsWith('_instance_admins'))!;
      const before = journal.entries.filter((e) => e.idx < adminsMigration.idx);
      await mkdir(path.join(folder, 'meta'));
      await writeFile(path.join(folder, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: before }));
      for (const e of before) await copyFile(path.join(MIGRATIONS_DIR, `${e.tag}.sql`), path.join(folder, `${e.tag}.sql`));
      await migratePostgres(testDb.url, folder);
      await db`insert into users (email, name, is_admin) values ('first@old.test', 'First', true), ('second@old.test', 'Second', false)`;

      await migratePostgres(testDb.url);
      const [{ admins: left }] = await db<Array<{ admins: number }>>`select count(*)::int as admins from users where is_admin`;
      expect(left).toBe(0);
    } finally {
      await db.end();
      await rm(folder, { recursive: true, force: true });
      await testDb.drop();
    }
  });
});
