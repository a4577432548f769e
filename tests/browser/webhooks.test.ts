/**
 * Webhooks from the owner's Share dialog: add one (its secret shown once), send a test to a local
 * receiver that fails the first time, read the failure in the delivery log, redeliver it and see
 * it delivered with the same event id and a signature the shown secret verifies; edit its events
 * and delete it.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../server/webhooks/signature.ts';
import { generateSecretsKey } from '../../shared/node/secrets/sealed.ts';
import { REDIS_URL } from '../builder-harness.ts';
import { createConfig } from '../helpers/server.ts';
import { formReady, startHarness, type Harness } from './browser-harness.ts';

let h: Harness;
let configId: string;
const keyPrefix = `test:webhooks-ui:${randomBytes(5).toString('hex')}:`;
const errors: string[][] = [];
const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
/** Answers 500 to the first request, 200 afterwards. */
const receiver = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
    if (received.length === 1) res.writeHead(500).end('receiver not ready');
    else res.writeHead(204).end();
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  h = await startHarness('webhooks', {
    redisUrl: REDIS_URL,
    keyPrefix,
    secretsKey: generateSecretsKey(),
    webhookAllowedNetworks: ['127.0.0.1/32'],
    // One attempt: the failure stays in the log for the owner to redeliver.
    limits: { webhookAttempts: 1, webhookRetryBaseMs: 10 },
  });
  configId = await createConfig(h.server, { name: 'Hooked board', data: { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie' } });
}, 120_000);

afterAll(async () => {
  await h?.close();
  await new Promise((resolve) => receiver.close(resolve));
  // The queue's keys under this file's prefix (the rig does the same for its servers).
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${keyPrefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  expect(errors.flat()).toEqual([]);
});

describe('the Webhooks section', () => {
  it('adds a webhook, shows its secret once, logs a failed test and redelivers it', async () => {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/boardroom`;
    const a = await h.open(h.owner, `/c/${configId}`);
    errors.push(a.errors);
    const page = a.page;
    await formReady(page);
    await page.getByTestId('share-button').click();
    const section = page.getByTestId('webhooks-section');
    await section.getByRole('heading', { name: 'Webhooks' }).waitFor();

    await section.getByLabel('Payload URL').fill(url);
    await section.getByRole('button', { name: 'Add webhook' }).click();
    const secret = await section.getByTestId('webhook-secret-value').inputValue();
    expect(secret).toMatch(/^whsec_/);
    expect(await section.getByTestId('webhook-secret').textContent()).toContain('shown only this once');
    const row = section.getByTestId('webhook');
    await row.getByText(url).waitFor();
    expect(await section.getByLabel('Payload URL').first().inputValue()).toBe('');

    await row.getByRole('button', { name: 'Send test' }).click();
    const delivery = row.getByTestId('webhook-delivery');
    await expect
      .poll(async () => {
        await row.getByRole('button', { name: 'Refresh' }).click();
        return delivery.first().textContent();
      })
      .toMatch(/failed.*HTTP 500/);
    await delivery.first().locator('summary').click();
    await delivery.first().getByText('receiver not ready').waitFor();
    // Refreshing the log renders every row anew; what the user opened stays open.
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'GET' && r.url().endsWith('/deliveries')),
      row.getByRole('button', { name: 'Refresh' }).click(),
    ]);
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    expect(await delivery.first().getByText('receiver not ready').isVisible()).toBe(true);
    await delivery.first().scrollIntoViewIfNeeded();
    await h.screenshot(page, 'webhooks-failed-delivery');

    await delivery.first().getByRole('button', { name: /Redeliver/ }).click();
    await expect
      .poll(async () => {
        await row.getByRole('button', { name: 'Refresh' }).click();
        return delivery.first().textContent();
      })
      .toMatch(/delivered.*2 attempts.*HTTP 204/);
    await h.screenshot(page, 'webhooks-redelivered');

    // Both requests carried the same event, signed with the secret the dialog showed.
    expect(received).toHaveLength(2);
    const ids = received.map((r) => (JSON.parse(r.body) as { id: string; type: string }).id);
    expect(ids[0]).toBe(ids[1]);
    for (const r of received) {
      expect(r.headers['boardroom-event']).toBe('ping');
      expect(verifySignature(r.headers['boardroom-signature'] as string, secret, r.body, Math.floor(Date.now() / 1000))).toMatchObject({ ok: true });
    }

    // Edit: stop sending versions; then delete with its log.
    await section.getByRole('button', { name: 'Done' }).click();
    await row.getByRole('button', { name: 'Edit' }).click();
    await row.getByLabel('Version created').uncheck();
    await row.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => row.locator('.share-row-main .muted').textContent()).not.toContain('Version created');
    await row.getByRole('button', { name: 'Delete', exact: true }).click();
    await row.getByRole('button', { name: 'Delete with its log' }).click();
    await section.getByText('No webhooks yet.').waitFor();
  }, 60_000);
});
