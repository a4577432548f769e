/**
 * Invitations need proof: typing an invited address at sign-up gives nothing; the invitation
 * link (a one-time, expiring token, stored hashed) makes whoever opens it while signed in a
 * member. Pending invitations are listed without their token and can be revoked. With SMTP
 * configured the link is e-mailed (to a real SMTP sink on a local socket) instead of shown.
 */
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { configInvitations } from '../shared/node/db/auth-schema.ts';
import { authed, signUp, type TestUser } from './helpers/auth.ts';
import { useTestServer } from './helpers/rig.ts';
import { createConfig, type TestServer } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

interface Invited {
  id: string;
  email: string;
  role: string;
  delivery: 'email' | 'link';
  token?: string;
  url?: string;
  expiresAt: string;
}

const signUpAs = async (server: TestServer, email: string, name: string): Promise<TestUser> => {
  const res = await fetch(`${server.url}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, name, password: 'correct horse battery' }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as TestUser;
};

describe('invitations by link', () => {
  const { server } = useTestServer();

  const invite = async (id: string, email: string, role = 'editor') => {
    const res = await server.api(`/api/configs/${id}/members`, { method: 'POST', body: JSON.stringify({ email, role }) });
    expect(res.status).toBe(201);
    return (await res.json()) as Invited;
  };
  const accept = (user: TestUser | null, token: string) =>
    authed(server.url, user?.token ?? null)('/api/invitations/accept', { method: 'POST', body: JSON.stringify({ token }) });
  const canRead = async (user: TestUser, id: string) => (await authed(server.url, user.token)(`/api/configs/${id}`)).status === 200;

  it('gives nothing to a stranger who signs up with the invited email', async () => {
    const id = await createConfig(server, { name: 'secret board' });
    await invite(id, 'victim@example.test');
    const mallory = await signUpAs(server, 'victim@example.test', 'Not The Victim');
    expect(await canRead(mallory, id)).toBe(false);
    expect((await authed(server.url, mallory.token)(`/api/configs/${id}`)).status).toBe(404);
    const list = (await (await authed(server.url, mallory.token)('/api/configs')).json()) as Array<{ id: string }>;
    expect(list.map((c) => c.id)).not.toContain(id);
  });

  it('does not make an existing account a member until the link is opened', async () => {
    const id = await createConfig(server, { name: 'existing' });
    const bob = await signUp(server.url, 'Bob');
    const invited = await invite(id, bob.user.email, 'commenter');
    expect(invited).toMatchObject({ delivery: 'link', role: 'commenter', url: `${server.url}/i/${invited.token}` });
    expect(await canRead(bob, id)).toBe(false);
    expect((await accept(bob, invited.token!)).status).toBe(200);
    expect(await canRead(bob, id)).toBe(true);
  });

  it('makes whoever accepts the link a member, once; lists pending invitations without their token', async () => {
    const id = await createConfig(server, { name: 'linked' });
    const invited = await invite(id, 'carol.work@example.test', 'editor');
    expect(invited.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // At rest: only the sha256 of the token.
    const [row] = await server.database.db.select().from(configInvitations).where(eq(configInvitations.id, invited.id));
    expect(row.tokenHash).toBe(createHash('sha256').update(invited.token!).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(invited.token!);
    // Seven days by default.
    expect(new Date(invited.expiresAt).getTime() - Date.now()).toBeGreaterThan(6.9 * 24 * 3600 * 1000);

    const members = await (await server.api(`/api/configs/${id}/members`)).text();
    expect(members).not.toContain(invited.token!);
    expect(JSON.parse(members)).toContainEqual(expect.objectContaining({ email: 'carol.work@example.test', pending: true, invitationId: invited.id, expired: false }));

    // Anyone holding the link sees what it offers; only a signed-in person can accept it.
    const preview = await fetch(`${server.url}/api/invitations/lookup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: invited.token }) });
    expect(await preview.json()).toMatchObject({ configId: id, configName: 'linked', role: 'editor', email: 'carol.work@example.test', invitedBy: 'Owner' });
    expect((await accept(null, invited.token!)).status).toBe(401);

    // Carol signs in with her personal address: the link, not the address, is the proof.
    const carol = await signUp(server.url, 'Carol');
    const accepted = await accept(carol, invited.token!);
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ configId: id, role: 'editor' });
    expect(await canRead(carol, id)).toBe(true);

    // Single use: the same link does nothing for anyone else, and is no longer pending.
    const dave = await signUp(server.url, 'Dave');
    const again = await accept(dave, invited.token!);
    expect(again.status).toBe(404);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('invitation_invalid');
    expect(await canRead(dave, id)).toBe(false);
    const after = (await (await server.api(`/api/configs/${id}/members`)).json()) as Array<{ email: string; pending: boolean; userId: string | null }>;
    expect(after.filter((m) => m.pending)).toEqual([]);
    expect(after).toContainEqual(expect.objectContaining({ userId: carol.user.id, pending: false }));
  });

  it('refuses a revoked, a replaced or an expired invitation', async () => {
    const id = await createConfig(server, { name: 'revocable' });
    const erin = await signUp(server.url, 'Erin');

    const revoked = await invite(id, 'erin@example.test');
    expect((await server.api(`/api/configs/${id}/invitations/${revoked.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await server.api(`/api/configs/${id}/invitations/${revoked.id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await accept(erin, revoked.token!)).status).toBe(404);

    // Inviting the same address again voids the older link.
    const first = await invite(id, 'erin@example.test', 'viewer');
    const second = await invite(id, 'erin@example.test', 'commenter');
    expect((await accept(erin, first.token!)).status).toBe(404);

    const expired = await invite(id, 'frank@example.test');
    await server.database.db.update(configInvitations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(configInvitations.id, expired.id));
    const listed = (await (await server.api(`/api/configs/${id}/members`)).json()) as Array<{ email: string; expired?: boolean }>;
    expect(listed.find((m) => m.email === 'frank@example.test')).toMatchObject({ expired: true });
    expect((await accept(erin, expired.token!)).status).toBe(404);
    expect(await canRead(erin, id)).toBe(false);

    // Revoking by email (the older form) also works.
    expect((await server.api(`/api/configs/${id}/members/${encodeURIComponent('erin@example.test')}`, { method: 'DELETE' })).status).toBe(204);
    expect((await accept(erin, second.token!)).status).toBe(404);
    expect(await canRead(erin, id)).toBe(false);
  });

  it('lets only the owner invite and revoke', async () => {
    const id = await createConfig(server, { name: 'owner only' });
    const ed = await signUp(server.url, 'Ed');
    const edInvite = await invite(id, ed.user.email, 'editor');
    expect((await accept(ed, edInvite.token!)).status).toBe(200);
    const asEd = authed(server.url, ed.token);
    expect((await asEd(`/api/configs/${id}/members`, { method: 'POST', body: JSON.stringify({ email: 'x@example.test', role: 'editor' }) })).status).toBe(403);
    const pending = await invite(id, 'y@example.test');
    expect((await asEd(`/api/configs/${id}/invitations/${pending.id}`, { method: 'DELETE' })).status).toBe(403);
    expect((await server.api(`/api/configs/${id}/members`, { method: 'POST', body: JSON.stringify({ email: 'z@example.test', role: 'owner' }) })).status).toBe(422);
  });
});

describe('invitations by e-mail', () => {
  let smtp: SMTPServer;
  const inbox: Array<{ to: string[]; data: string }> = [];
  // Registered before the rig, so it runs after the server (and its mail connections) stopped.
  afterAll(async () => {
    if (smtp) await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });
  const { server } = useTestServer(async () => {
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
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
    const port = (smtp.server.address() as AddressInfo).port;
    return { smtpUrl: `smtp://127.0.0.1:${port}`, mailFrom: 'Boardroom <boardroom@example.test>' };
  });

  it('mails the link instead of showing it, and the mailed link works once', async () => {
    const id = await createConfig(server, { name: 'mailed' });
    const res = await server.api(`/api/configs/${id}/members`, { method: 'POST', body: JSON.stringify({ email: 'gina@example.test', role: 'commenter' }) });
    expect(res.status).toBe(201);
    const invited = (await res.json()) as Invited;
    expect(invited.delivery).toBe('email');
    expect(invited.token).toBeUndefined();
    expect(invited.url).toBeUndefined();

    await eventually(() => expect(inbox.some((m) => m.to.includes('gina@example.test'))).toBe(true));
    const mail = inbox.find((m) => m.to.includes('gina@example.test'))!;
    expect(mail.data).toContain('mailed');
    // Quoted-printable may fold long lines: unfold before looking for the link.
    const body = mail.data.replace(/=\r?\n/g, '');
    const token = new RegExp(`${server.url.replace(/[.:/]/g, '\\$&')}/i/([A-Za-z0-9_-]{43})`).exec(body)?.[1];
    expect(token).toBeDefined();

    const gina = await signUp(server.url, 'Gina');
    const accept = () => authed(server.url, gina.token)('/api/invitations/accept', { method: 'POST', body: JSON.stringify({ token }) });
    expect((await accept()).status).toBe(200);
    expect((await authed(server.url, gina.token)(`/api/configs/${id}`)).status).toBe(200);
    expect((await accept()).status).toBe(404);
  });
});
