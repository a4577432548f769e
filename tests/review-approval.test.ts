/**
 * Review sessions: an editor opens a review of the exact current state; reviewers see the diff
 * from the last approved state, and approve or request changes; a change after the approval shows
 * as "changed since approval" with its diff and voids the approval for builds. With "require
 * approval" on, a build is refused (with the reason the Build button shows) until the state being
 * built is approved, and allowed after — checked directly and through the build route.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentHash } from '../shared/node/content-hash.ts';
import { installExtHandlers } from '../shared/ext-messages.ts';
import { MessageType } from '../shared/protocol.ts';
import { checkBuildApproval } from '../server/review/reviews.ts';
import { authed, signUp, type TestUser } from './helpers/auth.ts';
import { connectClient, synced } from './helpers/clients.ts';
import { useTestServer } from './helpers/rig.ts';
import { addMember, createConfig, type TestServer } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';
import { VALID_CONFIG } from './builder-harness.ts';

interface Review {
  id: string;
  contentHash: string;
  versionId: string;
  baseVersionId: string | null;
  status: string;
  decisions: Array<{ by: { name: string }; decision: string; contentHash: string }>;
  current: { contentHash: string; changed: boolean };
  changedSinceApproval: boolean;
  changesSinceReview: Array<{ path: string; op: string; before: unknown; after: unknown }>;
  diff?: Array<{ path: string; op: string; before: unknown; after: unknown }>;
}

interface People {
  eddie: TestUser;
  carol: TestUser;
  vera: TestUser;
}

async function people(server: TestServer): Promise<People> {
  const [eddie, carol, vera] = await Promise.all(['Eddie', 'Carol', 'Vera'].map((n) => signUp(server.url, n)));
  return { eddie, carol, vera };
}

async function configWithTeam(server: TestServer, team: People, data: Record<string, unknown>): Promise<string> {
  const id = await createConfig(server, { name: 'reviewed', data });
  for (const [user, role] of [[team.eddie, 'editor'], [team.carol, 'commenter'], [team.vera, 'viewer']] as const) {
    await addMember(server, id, user, role);
  }
  return id;
}

const call = (server: TestServer, user: TestUser | null) => (p: string, method = 'GET', body?: unknown) =>
  (user ? authed(server.url, user.token) : server.api)(p, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

describe('reviews and approvals', () => {
  const { server, clients } = useTestServer();
  let team: People;
  beforeAll(async () => {
    team = await people(server);
  });

  const currentHash = async (id: string) => contentHash(((await (await server.api(`/api/configs/${id}`)).json()) as { data: unknown }).data);

  it('approves an exact state; a later change shows as changed since approval and voids it for builds', async () => {
    const id = await configWithTeam(server, team, { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'bookworm' });
    const eddie = call(server, team.eddie);
    const carol = call(server, team.carol);

    // Only the owner turns the requirement on.
    expect((await eddie(`/api/configs/${id}/settings`, 'PUT', { requireApproval: true })).status).toBe(403);
    expect((await call(server, null)(`/api/configs/${id}/settings`, 'PUT', { requireApproval: 'yes' })).status).toBe(422);
    expect((await call(server, null)(`/api/configs/${id}/settings`, 'PUT', { requireApproval: true })).status).toBe(200);
    expect(await (await carol(`/api/configs/${id}/settings`)).json()).toEqual({ requireApproval: true, requiredApprovals: 1, organisation: null });

    const hash1 = await currentHash(id);
    const refused = await checkBuildApproval({ db: server.database.db }, id, hash1);
    expect(refused).toMatchObject({ ok: false, code: 'approval_required', reason: expect.stringContaining('has not been reviewed') });

    // Editors open reviews; commenters and viewers do not.
    expect((await carol(`/api/configs/${id}/reviews`, 'POST', {})).status).toBe(403);
    const opened = await eddie(`/api/configs/${id}/reviews`, 'POST', { title: 'First cut' });
    expect(opened.status).toBe(201);
    const review = (await opened.json()) as Review;
    expect(review).toMatchObject({ contentHash: hash1, status: 'open', baseVersionId: null, current: { changed: false } });
    // With nothing approved or built before, everything is new.
    expect(review.diff).toContainEqual({ path: '/BOARD', op: 'add', before: null, after: 'rock-5b' });
    expect(await checkBuildApproval({ db: server.database.db }, id, hash1)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('waiting for an approval'),
    });

    // A commenter reviews: viewers may not.
    expect((await call(server, team.vera)(`/api/configs/${id}/reviews/${review.id}/decision`, 'POST', { decision: 'approve' })).status).toBe(403);
    expect((await carol(`/api/configs/${id}/reviews/${review.id}/decision`, 'POST', { decision: 'maybe' })).status).toBe(422);
    expect((await carol(`/api/configs/${id}/reviews/${review.id}/decision`, 'POST', { decision: 'approve', contentHash: 'f'.repeat(64) })).status).toBe(409);
    const approved = await carol(`/api/configs/${id}/reviews/${review.id}/decision`, 'POST', { decision: 'approve', comment: 'LGTM', contentHash: hash1 });
    expect(approved.status).toBe(200);
    expect((await approved.json()) as Review).toMatchObject({ status: 'approved', changedSinceApproval: false, decisions: [{ by: { name: 'Carol' }, decision: 'approve', contentHash: hash1 }] });
    expect(await checkBuildApproval({ db: server.database.db }, id, hash1)).toEqual({ ok: true, required: true, reviewId: review.id });
    expect(await (await carol(`/api/configs/${id}/approval`)).json()).toMatchObject({ ok: true, required: true, contentHash: hash1 });

    // Eddie changes something after the approval.
    const editor = connectClient({ url: server.url, token: team.eddie.token }, id);
    clients.push(editor);
    await synced(editor);
    editor.doc.getMap('config').set('VENDOR', 'Changed After');
    await eventually(async () => expect(await currentHash(id)).not.toBe(hash1));
    const [after] = (await (await carol(`/api/configs/${id}/reviews`)).json()) as Review[];
    expect(after).toMatchObject({ id: review.id, status: 'approved', changedSinceApproval: true, current: { changed: true } });
    expect(after.changesSinceReview).toEqual([{ path: '/VENDOR', op: 'change', before: 'Armbian-unofficial', after: 'Changed After' }]);
    const hash2 = await currentHash(id);
    // The approval still covers exactly what it covered, and nothing else.
    expect((await checkBuildApproval({ db: server.database.db }, id, hash1)).ok).toBe(true);
    const now = (await (await carol(`/api/configs/${id}/approval`)).json()) as { ok: boolean; reason: string; contentHash: string };
    expect(now).toMatchObject({ ok: false, contentHash: hash2, reason: expect.stringContaining('changed since it was approved') });

    // The next review compares with the last approved state.
    const second = (await (await eddie(`/api/configs/${id}/reviews`, 'POST', { title: 'Vendor' })).json()) as Review;
    expect(second).toMatchObject({ contentHash: hash2, baseVersionId: review.versionId });
    expect(second.diff).toEqual([{ path: '/VENDOR', op: 'change', before: 'Armbian-unofficial', after: 'Changed After' }]);
    await carol(`/api/configs/${id}/reviews/${second.id}/decision`, 'POST', { decision: 'request_changes', comment: 'spell it out' });
    expect(await checkBuildApproval({ db: server.database.db }, id, hash2)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('Changes were requested'),
      reviewId: second.id,
    });
    // Each reviewer's latest decision counts; one request for changes holds the review.
    await eddie(`/api/configs/${id}/reviews/${second.id}/decision`, 'POST', { decision: 'approve' });
    expect(((await (await carol(`/api/configs/${id}/reviews/${second.id}`)).json()) as Review).status).toBe('changes_requested');
    await carol(`/api/configs/${id}/reviews/${second.id}/decision`, 'POST', { decision: 'approve' });
    expect(((await (await carol(`/api/configs/${id}/reviews/${second.id}`)).json()) as Review).status).toBe('approved');
    expect((await checkBuildApproval({ db: server.database.db }, id, hash2)).ok).toBe(true);
  });

  it('lets builds through without a requirement, and pushes review events live', async () => {
    const id = await configWithTeam(server, team, { BOARD: 'rock-5b' });
    expect(await checkBuildApproval({ db: server.database.db }, id, await currentHash(id))).toEqual({ ok: true, required: false });
    const watcher = connectClient({ url: server.url, token: team.vera.token }, id, { ext: '1' });
    clients.push(watcher);
    const events: Array<{ type: string; action: string; review: Review }> = [];
    installExtHandlers(watcher.provider as never, (type, payload) => {
      if (type === MessageType.event && (payload as { type: string }).type === 'review') events.push(payload as (typeof events)[number]);
    });
    await synced(watcher);
    const review = (await (await call(server, team.eddie)(`/api/configs/${id}/reviews`, 'POST', {})).json()) as Review;
    await call(server, team.carol)(`/api/configs/${id}/reviews/${review.id}/decision`, 'POST', { decision: 'request_changes' });
    await eventually(() =>
      expect(events.map((e) => [e.action, e.review.id, e.review.status])).toEqual([
        ['opened', review.id, 'open'],
        ['decided', review.id, 'changes_requested'],
      ]),
    );
  });
});

describe('the build route and approvals', () => {
  let team: People;
  let tmp: string | undefined;
  // Registered before the rig, so the folder goes after the server stopped.
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });
  const { server } = useTestServer(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'review-builds-'));
    return { redis: 'review', artifactsDir: path.join(tmp, 'artifacts') };
  });
  beforeAll(async () => {
    team = await people(server);
  });

  it('refuses a build without the required approval, with the reason, and builds after it; the build becomes a version', async () => {
    const id = await configWithTeam(server, team, VALID_CONFIG);
    const eddie = call(server, team.eddie);
    await call(server, null)(`/api/configs/${id}/settings`, 'PUT', { requireApproval: true });
    const refused = await eddie(`/api/configs/${id}/builds`, 'POST', {});
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: { code: 'approval_required', message: expect.stringContaining('approved review') } });

    const review = (await (await eddie(`/api/configs/${id}/reviews`, 'POST', { title: 'Ship it' })).json()) as Review;
    await call(server, team.carol)(`/api/configs/${id}/reviews/${review.id}/decision`, 'POST', { decision: 'approve' });
    const accepted = await eddie(`/api/configs/${id}/builds`, 'POST', {});
    expect(accepted.status).toBe(202);
    const build = (await accepted.json()) as { id: string; contentHash: string };
    expect(build.contentHash).toBe(review.contentHash);

    const versions = (await (await eddie(`/api/configs/${id}/versions?kind=build`)).json()) as Array<{
      buildId: string;
      contentHash: string;
      label: string;
      createdBy: { name: string };
    }>;
    expect(versions).toEqual([expect.objectContaining({ buildId: build.id, contentHash: build.contentHash, createdBy: expect.objectContaining({ name: 'Eddie' }) })]);
  });
});
