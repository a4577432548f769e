/**
 * Webhooks end to end, against a local HTTP receiver on real Redis (the BullMQ queue `webhooks`)
 * and Postgres: a finished build, a named version and a review decision each arrive signed with
 * the secret shown at creation; a receiver that fails twice gets three attempts carrying the same
 * event id; a redelivery carries it again; only the owner sees webhooks and their delivery log,
 * and the secret is never stored or shown again. Retries are milliseconds apart here (settings).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhooks } from '../shared/node/db/webhooks-schema.ts';
import { generateSecretsKey } from '../shared/node/secrets/sealed.ts';
import { verifySignature } from '../server/webhooks/signature.ts';
import { type PlanBuilder, startPlanBuilder } from './builder-harness.ts';
import { authed, signUp } from './helpers/auth.ts';
import { testLogger } from './helpers/logger.ts';
import { useTestServer } from './helpers/rig.ts';
import { addMember, createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';
import { BUILDABLE } from './helpers/world.ts';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A receiver: records every request; `/flaky` answers 503 twice, then 200. */
function startReceiver() {
  const received: Received[] = [];
  let flakyFailures = 2;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (req.url === '/flaky' && flakyFailures > 0) {
        flakyFailures -= 1;
        res.writeHead(503).end('busy, try later');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');
    });
  });
  return { server, received };
}

const rig = useTestServer({
  redis: 'webhooks',
  secretsKey: generateSecretsKey(),
  // The receiver is on loopback, which the guard refuses unless allowed.
  webhookAllowedNetworks: ['127.0.0.1/32'],
  limits: { webhookAttempts: 3, webhookRetryBaseMs: 20, webhookTimeoutMs: 5_000 },
});
const { server } = rig;

describe('webhooks', () => {
  const receiver = startReceiver();
  let base = '';
  let builder: PlanBuilder;
  let tmp: string;
  let configId: string;
  let hook: { id: string; secret: string };

  const verified = (r: Received) => {
    const check = verifySignature(r.headers['boardroom-signature'] as string, hook.secret, r.body, Math.floor(Date.now() / 1000));
    expect(check, r.body).toMatchObject({ ok: true });
    return JSON.parse(r.body) as { id: string; type: string; configId: string; createdAt: string; data: Record<string, unknown> };
  };
  const arrivals = (pathName: string, type: string) => receiver.received.filter((r) => r.path === pathName && r.headers['boardroom-event'] === type);
  const deliveriesOf = async (webhookId: string) => {
    const res = await server.api(`/api/configs/${configId}/webhooks/${webhookId}/deliveries`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { deliveries: Array<{ id: string; eventId: string; eventType: string; status: string; attempts: Array<{ attempt: number; statusCode: number | null; redelivery: boolean; responseExcerpt: string | null }> }> }).deliveries;
  };

  beforeAll(async () => {
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`;
    tmp = await mkdtemp(path.join(tmpdir(), 'webhooks-'));
    builder = await startPlanBuilder({ db: server.database.db, keyPrefix: rig.keyPrefix!, artifactsDir: path.join(tmp, 'artifacts'), workRoot: path.join(tmp, 'work'), logger: testLogger() });
    configId = await createConfig(server, { name: 'hooked', data: BUILDABLE });
    const res = await server.api(`/api/configs/${configId}/webhooks`, {
      method: 'POST',
      body: JSON.stringify({ url: `${base}/ok`, events: ['build.finished', 'review.approved', 'review.changes_requested', 'version.created'] }),
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { webhook: { id: string }; secret: string };
    expect(created.secret).toMatch(/^whsec_/);
    hook = { id: created.webhook.id, secret: created.secret };
  });

  afterAll(async () => {
    await builder?.close();
    await new Promise((resolve) => receiver.server.close(resolve));
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('sends a named version, a review decision and a finished build, each signed with the secret', async () => {
    const version = (await (await server.api(`/api/configs/${configId}/versions`, { method: 'POST', body: JSON.stringify({ label: 'v1' }) })).json()) as { id: string };
    const review = (await (await server.api(`/api/configs/${configId}/reviews`, { method: 'POST', body: JSON.stringify({ title: 'ship it?' }) })).json()) as { id: string };
    expect((await server.api(`/api/configs/${configId}/reviews/${review.id}/decision`, { method: 'POST', body: JSON.stringify({ decision: 'approve' }) })).status).toBe(200);
    const build = (await (await server.api(`/api/configs/${configId}/builds`, { method: 'POST', body: '{}' })).json()) as { id: string };

    const versionEvent = await eventually(() => {
      const hit = arrivals('/ok', 'version.created').map(verified).find((e) => e.data.versionId === version.id);
      expect(hit).toBeDefined();
      return hit!;
    });
    expect(versionEvent).toMatchObject({ type: 'version.created', configId, data: { label: 'v1', kind: 'manual' } });

    const approved = await eventually(() => {
      const [hit] = arrivals('/ok', 'review.approved').map(verified);
      expect(hit).toBeDefined();
      return hit;
    });
    expect(approved).toMatchObject({ type: 'review.approved', configId, data: { reviewId: review.id, title: 'ship it?', decidedBy: 'Owner' } });

    const finished = await eventually(
      () => {
        const hit = arrivals('/ok', 'build.finished').map(verified).find((e) => e.data.buildId === build.id);
        expect(hit).toBeDefined();
        return hit!;
      },
      { timeoutMs: 30_000 },
    );
    expect(finished).toMatchObject({ type: 'build.finished', configId, data: { buildId: build.id, status: 'succeeded' } });
    // Each request names its event and delivery in headers too, and nothing of the document.
    const request = arrivals('/ok', 'build.finished')[0];
    expect(request.headers['boardroom-event-id']).toBe(finished.id);
    expect(request.headers['boardroom-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(request.body).not.toContain('rock-5b');
    // Every server process hears the build's status; one delivery is made of it.
    const log = await deliveriesOf(hook.id);
    expect(log.filter((d) => d.eventId === finished.id)).toHaveLength(1);
  });

  it('retries a failing receiver with the same event id, logs each attempt, and redelivers on request', async () => {
    const res = await server.api(`/api/configs/${configId}/webhooks`, { method: 'POST', body: JSON.stringify({ url: `${base}/flaky`, events: ['version.created'] }) });
    const flaky = ((await res.json()) as { webhook: { id: string } }).webhook;
    await server.api(`/api/configs/${configId}/versions`, { method: 'POST', body: JSON.stringify({ label: 'v2' }) });

    const [delivery] = await eventually(async () => {
      const log = await deliveriesOf(flaky.id);
      expect(log[0]?.status).toBe('succeeded');
      return log;
    });
    expect(delivery.attempts.map((a) => a.statusCode)).toEqual([503, 503, 200]);
    expect(delivery.attempts[0].responseExcerpt).toBe('busy, try later');
    const sent = receiver.received.filter((r) => r.path === '/flaky');
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((r) => (JSON.parse(r.body) as { id: string }).id))).toEqual(new Set([delivery.eventId]));
    expect(new Set(sent.map((r) => r.headers['boardroom-delivery']))).toEqual(new Set([delivery.id]));
    expect(new Set(sent.map((r) => r.body)).size).toBe(1);

    const again = await server.api(`/api/configs/${configId}/webhooks/${flaky.id}/deliveries/${delivery.id}/redeliver`, { method: 'POST', body: '{}' });
    expect(again.status).toBe(202);
    const [redelivered] = await eventually(async () => {
      const log = await deliveriesOf(flaky.id);
      expect(log[0].attempts).toHaveLength(4);
      return log;
    });
    expect(redelivered.attempts[3]).toMatchObject({ attempt: 4, statusCode: 200, redelivery: true });
    const fourth = receiver.received.filter((r) => r.path === '/flaky')[3];
    expect((JSON.parse(fourth.body) as { id: string }).id).toBe(delivery.eventId);
  });

  it('shows webhooks, deliveries and secrets to the owner only, and stores the secret sealed', async () => {
    const editor = await signUp(server.url, 'Editor');
    await addMember(server, configId, editor, 'editor');
    const stranger = await signUp(server.url, 'Stranger');
    for (const [who, status] of [
      [editor, 403],
      [stranger, 404],
    ] as const) {
      const as = authed(server.url, who.token);
      expect((await as(`/api/configs/${configId}/webhooks`)).status).toBe(status);
      expect((await as(`/api/configs/${configId}/webhooks/${hook.id}/deliveries`)).status).toBe(status);
      expect((await as(`/api/configs/${configId}/webhooks/${hook.id}/rotate-secret`, { method: 'POST', body: '{}' })).status).toBe(status);
    }
    // The owner's list never carries the secret; the row holds it sealed, not in the clear.
    const listed = await (await server.api(`/api/configs/${configId}/webhooks`)).text();
    expect(listed).toContain(hook.id);
    expect(listed).not.toContain(hook.secret);
    const [row] = await server.database.db.select().from(webhooks).where(eq(webhooks.id, hook.id));
    expect(row.secretSealed).toMatch(/^v1\./);
    expect(row.secretSealed).not.toContain(hook.secret.slice(6));
  });

  it('refuses a metadata or private address when saved', async () => {
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/hook', `http://127.0.0.2:${randomBytes(1)[0] + 1024}/`]) {
      const res = await server.api(`/api/configs/${configId}/webhooks`, { method: 'POST', body: JSON.stringify({ url, events: ['build.finished'] }) });
      expect(res.status, url).toBe(422);
      expect(((await res.json()) as { error: { code: string; details: Array<{ path: string }> } }).error).toMatchObject({ code: 'validation_failed', details: [{ path: '/url' }] });
    }
  });
});
