/**
 * An approval means someone else looked. With "require approval" on, a build — new or retried —
 * starts only when the exact content has enough approvals that count: not the opener's, not an
 * author's (someone who changed that content since the last approved version), never a share-link
 * guest's. The Review panel gets the reason each uncounted approval does not count. Real Postgres,
 * real Redis, real server; no builder (a cancelled build is what gets retried).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authed, signUp, type TestUser } from './helpers/auth.ts';
import { connectClient, synced } from './helpers/clients.ts';
import { useTestServer } from './helpers/rig.ts';
import { addMember, createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';
import { VALID_CONFIG } from './builder-harness.ts';

interface Review {
  id: string;
  status: string;
  approvals: { counted: number; required: number };
  decisions: Array<{ by: { name: string }; decision: string; counts?: boolean; notCounted?: { code: string; reason: string } }>;
}

describe('the approval gate', () => {
  let tmp: string | undefined;
  // Registered before the rig, so the folder goes after the server stopped.
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });
  const { server, clients } = useTestServer(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'approval-gate-'));
    return { redis: 'approval', artifactsDir: path.join(tmp, 'artifacts') };
  });
  let eddie: TestUser;
  let carol: TestUser;
  let dana: TestUser;

  beforeAll(async () => {
    [eddie, carol, dana] = await Promise.all(['Eddie', 'Carol', 'Dana'].map((n) => signUp(server.url, n)));
  });

  const as = (user: TestUser | null, headers: Record<string, string> = {}) => (p: string, method = 'GET', body?: unknown) =>
    authed(server.url, user ? user.token : server.token)(p, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const owner = as(null);

  async function team(name: string, settings: Record<string, unknown> = { requireApproval: true }): Promise<string> {
    const id = await createConfig(server, { name, data: { ...VALID_CONFIG, VENDOR: name } });
    await addMember(server, id, eddie, 'editor');
    await addMember(server, id, carol, 'commenter');
    await addMember(server, id, dana, 'commenter');
    expect((await owner(`/api/configs/${id}/settings`, 'PUT', settings)).status).toBe(200);
    return id;
  }
  const openReview = async (id: string, by: TestUser | null) => {
    const res = await as(by)(`/api/configs/${id}/reviews`, 'POST', { title: 'Check' });
    expect(res.status).toBe(201);
    return (await res.json()) as Review;
  };
  const approve = async (id: string, reviewId: string, call: ReturnType<typeof as>) => {
    const res = await call(`/api/configs/${id}/reviews/${reviewId}/decision`, 'POST', { decision: 'approve' });
    expect(res.status).toBe(200);
    return (await res.json()) as Review;
  };
  const build = (id: string) => as(eddie)(`/api/configs/${id}/builds`, 'POST', {});
  const refusedCode = async (res: Response) => {
    expect(res.status).toBe(409);
    return ((await res.json()) as { error: { code: string; message: string } }).error;
  };

  it('refuses to retry a build whose content lacks approval', async () => {
    const id = await team('retry', { requireApproval: false });
    const first = await build(id);
    expect(first.status).toBe(202);
    const { id: buildId } = (await first.json()) as { id: string };
    // Cancelled before any builder took it: finished, so it may be retried.
    expect((await as(eddie)(`/api/builds/${buildId}/cancel`, 'POST')).status).toBe(200);
    await owner(`/api/configs/${id}/settings`, 'PUT', { requireApproval: true });
    const retry = await as(eddie)(`/api/builds/${buildId}/retry`, 'POST');
    expect(await refusedCode(retry)).toMatchObject({ code: 'approval_required', message: expect.stringContaining('has not been reviewed') });

    // Approved by someone else, the same content may be retried.
    const review = await openReview(id, eddie);
    await approve(id, review.id, as(carol));
    expect((await as(eddie)(`/api/builds/${buildId}/retry`, 'POST')).status).toBe(202);
  });

  it('does not let the opener approve alone', async () => {
    const id = await team('opener');
    const review = await openReview(id, eddie);
    const mine = await approve(id, review.id, as(eddie));
    expect(mine).toMatchObject({ status: 'open', approvals: { counted: 0, required: 1 } });
    expect(mine.decisions[0]).toMatchObject({ counts: false, notCounted: { code: 'opener', reason: expect.stringContaining('Eddie opened this review') } });
    expect(await refusedCode(await build(id))).toMatchObject({ code: 'approval_required', message: expect.stringContaining('Eddie opened this review') });
    // What the Build button reads says the same.
    expect(await (await as(eddie)(`/api/configs/${id}/approval`)).json()).toMatchObject({ ok: false, reason: expect.stringContaining('(0 of 1 counted)') });
  });

  it("does not count an editor who changed the content, and counts someone who did not", async () => {
    const id = await team('author');
    // Eddie writes part of what is reviewed; the owner opens the review.
    expect((await as(eddie)(`/api/configs/${id}/data`, 'PUT', { ...VALID_CONFIG, VENDOR: 'EddieWroteThis' })).status).toBe(200);
    const review = await openReview(id, null);
    const byAuthor = await approve(id, review.id, as(eddie));
    expect(byAuthor).toMatchObject({ status: 'open', decisions: [{ counts: false, notCounted: { code: 'author' } }] });
    expect(await refusedCode(await build(id))).toMatchObject({ code: 'approval_required', message: expect.stringContaining('changed this content') });

    const byCarol = await approve(id, review.id, as(carol));
    expect(byCarol).toMatchObject({ status: 'approved', approvals: { counted: 1, required: 1 } });
    expect(byCarol.decisions.find((d) => d.by.name === 'Carol')).toMatchObject({ counts: true });
    expect((await build(id)).status).toBe(202);
  });

  it('does not count an editor who typed into the content live, even while the burst is still open', async () => {
    const id = await team('typed');
    const editor = connectClient({ url: server.url, token: eddie.token }, id);
    clients.push(editor);
    await synced(editor);
    editor.doc.getMap('config').set('VENDOR', 'TypedLive');
    const vendor = async () => ((await (await owner(`/api/configs/${id}`)).json()) as { data: { VENDOR?: string } }).data.VENDOR;
    await eventually(async () => expect(await vendor()).toBe('TypedLive'));
    // Reviewed at once: the change-log entry is still open (in memory), and must still count.
    const review = await openReview(id, null);
    expect(await approve(id, review.id, as(eddie))).toMatchObject({ status: 'open', decisions: [{ counts: false, notCounted: { code: 'author' } }] });
    expect(await approve(id, review.id, as(carol))).toMatchObject({ status: 'approved' });
  });

  it("never counts a commenter-link guest's approval", async () => {
    const id = await team('guest');
    const link = (await (await owner(`/api/configs/${id}/shares`, 'POST', { role: 'commenter', label: 'reviewers' })).json()) as { token: string };
    const review = await openReview(id, eddie);
    const guest = (p: string, method = 'GET', body?: unknown) =>
      fetch(`${server.url}${p}`, { method, headers: { 'content-type': 'application/json', 'x-share-token': link.token }, body: body === undefined ? undefined : JSON.stringify(body) });
    const byGuest = await approve(id, review.id, guest);
    expect(byGuest).toMatchObject({ status: 'open', decisions: [{ counts: false, notCounted: { code: 'guest' } }] });
    expect(await refusedCode(await build(id))).toMatchObject({ code: 'approval_required', message: expect.stringContaining('share link') });
  });

  it('with two approvals required, one is not enough', async () => {
    const id = await team('two', { requireApproval: true, requiredApprovals: 2 });
    expect(await (await as(carol)(`/api/configs/${id}/settings`)).json()).toEqual({ requireApproval: true, requiredApprovals: 2, organisation: null });
    expect((await owner(`/api/configs/${id}/settings`, 'PUT', { requiredApprovals: 0 })).status).toBe(422);
    expect((await as(eddie)(`/api/configs/${id}/settings`, 'PUT', { requiredApprovals: 1 })).status).toBe(403);
    const review = await openReview(id, eddie);
    expect(await approve(id, review.id, as(carol))).toMatchObject({ status: 'open', approvals: { counted: 1, required: 2 } });
    expect(await refusedCode(await build(id))).toMatchObject({ code: 'approval_required', message: expect.stringContaining('(1 of 2 counted)') });
    expect(await approve(id, review.id, as(dana))).toMatchObject({ status: 'approved', approvals: { counted: 2, required: 2 } });
    expect((await build(id)).status).toBe(202);
  });

  it('stops counting an approval when its author is no longer a member', async () => {
    const id = await team('removed');
    const review = await openReview(id, eddie);
    await approve(id, review.id, as(carol));
    expect((await as(eddie)(`/api/configs/${id}/approval`).then((r) => r.json()) as { ok: boolean }).ok).toBe(true);
    expect((await owner(`/api/configs/${id}/members/${carol.user.id}`, 'DELETE')).status).toBe(204);
    const now = (await (await as(eddie)(`/api/configs/${id}/reviews/${review.id}`)).json()) as Review;
    expect(now).toMatchObject({ status: 'open', decisions: [{ counts: false, notCounted: { code: 'role' } }] });
    expect(await refusedCode(await build(id))).toMatchObject({ code: 'approval_required' });
  });
});
