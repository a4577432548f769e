/**
 * The pieces of webhooks that need no network or database: the signature a receiver checks (a
 * fixed vector computed with `openssl dgst -hmac`, so the format cannot drift unnoticed), the
 * address guard against server-side request forgery, and the sealing of secrets at rest.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSealer, generateSecretsKey, resolveSecretsKey, SealedOpenError, SecretsKeyError } from '../shared/node/secrets/sealed.ts';
import { attemptDelivery } from '../server/webhooks/delivery.ts';
import { eventIdOf } from '../server/webhooks/events.ts';
import { signatureHeader, verifySignature } from '../server/webhooks/signature.ts';
import { checkWebhookUrl, parseAllowedNetworks, refusedAddress } from '../server/webhooks/url-guard.ts';

const BODY = '{"id":"evt_1","type":"ping"}';
const T = 1_700_000_000;

describe('webhook signature', () => {
  it('is HMAC-SHA256 over "<t>.<body>", as documented', () => {
    // printf '%s' '1700000000.{"id":"evt_1","type":"ping"}' | openssl dgst -sha256 -hmac whsec_test
    expect(signatureHeader('whsec_test', T, BODY)).toBe('t=1700000000,v1=33ff6664879612e191c4e01184f3da32597a3c9b33ca2655fac317d01c5abc3f');
  });

  it('verifies inside the tolerance window and refuses a changed body, another secret, an old timestamp or garbage', () => {
    const header = signatureHeader('whsec_test', T, BODY);
    expect(verifySignature(header, 'whsec_test', BODY, T + 10)).toEqual({ ok: true, timestamp: T });
    expect(verifySignature(header, 'whsec_test', BODY.replace('ping', 'pong'), T)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature(header, 'whsec_other', BODY, T)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature(header, 'whsec_test', BODY, T + 301)).toEqual({ ok: false, reason: 'too_old' });
    expect(verifySignature(header, 'whsec_test', BODY, T - 301)).toEqual({ ok: false, reason: 'too_old' });
    for (const bad of [null, '', 't=abc,v1=00', `v1=${'a'.repeat(64)}`, `t=${T}`, `t=${T},v1=zz`]) expect(verifySignature(bad, 'whsec_test', BODY, T).ok, String(bad)).toBe(false);
    // A receiver in the middle of a rotation may be sent several v1 values; any one may match.
    expect(verifySignature(`${header},v1=${'0'.repeat(64)}`, 'whsec_test', BODY, T).ok).toBe(true);
  });

  it('gives events ids made from their fact, so retries and other processes agree', () => {
    expect(eventIdOf('build.finished', 'b1')).toBe(eventIdOf('build.finished', 'b1'));
    expect(eventIdOf('build.finished', 'b1')).not.toBe(eventIdOf('version.created', 'b1'));
    expect(eventIdOf('review.approved', 'd1')).toMatch(/^evt_[0-9a-f]{32}$/);
  });
});

describe('webhook address guard', () => {
  const none = parseAllowedNetworks([]);

  it('refuses loopback, private, link-local, metadata and reserved addresses, also inside IPv6', () => {
    for (const address of [
      '127.0.0.1',
      '127.8.9.10',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:a9fe:a9fe',
      '64:ff9b::a9fe:a9fe',
      'fe80::1',
      'fd12:3456::1',
      'ff02::1',
    ]) {
      expect(refusedAddress(address, none), address).toMatch(/private, loopback, link-local or reserved/);
    }
  });

  it('lets public addresses through, and chosen networks through WEBHOOK_ALLOWED_NETWORKS', () => {
    for (const address of ['93.184.216.34', '1.1.1.1', '2606:4700:4700::1111', '::ffff:93.184.216.34']) expect(refusedAddress(address, none), address).toBeNull();
    const allowed = parseAllowedNetworks(['127.0.0.1/32', '10.20.0.0/16', 'fd00::/8']);
    expect(refusedAddress('127.0.0.1', allowed)).toBeNull();
    expect(refusedAddress('::ffff:127.0.0.1', allowed)).toBeNull();
    expect(refusedAddress('10.20.3.4', allowed)).toBeNull();
    expect(refusedAddress('fd00::5', allowed)).toBeNull();
    expect(refusedAddress('10.21.0.1', allowed)).not.toBeNull();
    expect(refusedAddress('127.0.0.2', allowed)).not.toBeNull();
    expect(refusedAddress('169.254.169.254', allowed)).not.toBeNull();
    for (const bad of ['10.0.0.0/33', 'example.com', '10.0.0.0/8/1', '1.2.3.4/x', '']) expect(() => parseAllowedNetworks([bad]), bad).toThrow(/WEBHOOK_ALLOWED_NETWORKS/);
  });

  it('checks URLs when saved: http(s) only, no credentials, no literal refused address or localhost', () => {
    expect(checkWebhookUrl('https://hooks.example.com/boardroom?x=1', none)).toMatchObject({ ok: true });
    expect(checkWebhookUrl('http://93.184.216.34:8080/in', none)).toMatchObject({ ok: true });
    const refusedWith = (url: unknown) => {
      const check = checkWebhookUrl(url, none);
      return check.ok ? null : check.reason;
    };
    expect(refusedWith('ftp://example.com/')).toMatch(/http or https/);
    expect(refusedWith('not a url')).toMatch(/http or https/);
    expect(refusedWith(42)).toMatch(/http or https/);
    expect(refusedWith('https://user:pass@example.com/')).toMatch(/user name or password/);
    expect(refusedWith('http://127.0.0.1:9000/')).toMatch(/loopback/);
    expect(refusedWith('http://[::1]/')).toMatch(/loopback/);
    expect(refusedWith('http://169.254.169.254/latest/meta-data/')).toMatch(/link-local/);
    expect(refusedWith('http://localhost:3000/')).toMatch(/loopback/);
    expect(refusedWith(`https://example.com/${'a'.repeat(2100)}`)).toMatch(/2048/);
    expect(checkWebhookUrl('http://127.0.0.1:9000/', parseAllowedNetworks(['127.0.0.0/8']))).toMatchObject({ ok: true });
  });

  it('refuses a literal address at delivery time without connecting', async () => {
    const result = await attemptDelivery({
      url: 'http://169.254.169.254/latest/meta-data/',
      secret: 's',
      body: BODY,
      eventType: 'ping',
      eventId: 'evt_1',
      deliveryId: 'd',
      timeoutMs: 1000,
      allowed: none,
    });
    expect(result).toMatchObject({ ok: false, statusCode: null, retryable: false });
    expect(result.error).toMatch(/refused/);
  });

  it('checks the address a name resolves to when connecting, without naming it', async () => {
    const attempt = (allowed: ReturnType<typeof parseAllowedNetworks>) =>
      attemptDelivery({ url: 'http://localhost:1/hook', secret: 's', body: BODY, eventType: 'ping', eventId: 'evt_1', deliveryId: 'd', timeoutMs: 2000, allowed });
    const refused = await attempt(none);
    expect(refused).toMatchObject({ ok: false, statusCode: null, retryable: false });
    expect(refused.error).toMatch(/^refused: localhost resolves to a private, loopback/);
    expect(refused.error).not.toMatch(/127\.0\.0\.1|::1/);
    // Allowed, the checked address is the one connected to (nothing listens on port 1).
    const allowed = await attempt(parseAllowedNetworks(['127.0.0.0/8', '::1/128']));
    expect(allowed).toMatchObject({ ok: false, retryable: true });
    expect(allowed.error).toMatch(/ECONNREFUSED/);
  });
});

describe('sealed secrets', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('seals with AES-GCM under a key id, opens only for the same context, and never shows the plain text', () => {
    const sealer = createSealer(generateSecretsKey());
    const sealed = sealer.seal('whsec_abc', 'webhook:1');
    expect(sealed).toMatch(new RegExp(`^v1\\.${sealer.keyId}\\.`));
    expect(sealed).not.toContain('whsec_abc');
    expect(sealer.seal('whsec_abc', 'webhook:1')).not.toBe(sealed); // a fresh IV each time
    expect(sealer.open(sealed, 'webhook:1')).toBe('whsec_abc');
    expect(() => sealer.open(sealed, 'webhook:2')).toThrow(SealedOpenError);
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => sealer.open(parts.join('.'), 'webhook:1')).toThrow(SealedOpenError);
    expect(() => sealer.open('plain text', 'webhook:1')).toThrow(SealedOpenError);
  });

  it('rotates: the first key seals, older keys still open; an unknown key says which', () => {
    const oldKey = generateSecretsKey();
    const newKey = generateSecretsKey();
    const sealedOld = createSealer(oldKey).seal('s1', 'c');
    const both = createSealer(`${newKey},${oldKey}`);
    expect(both.open(sealedOld, 'c')).toBe('s1');
    expect(both.keyId).toBe(createSealer(newKey).keyId);
    expect(() => createSealer(newKey).open(sealedOld, 'c')).toThrow(/SECRETS_KEY does not hold/);
  });

  it('takes 32 bytes as base64 or hex and refuses anything else with the setting named', () => {
    expect(() => createSealer('a'.repeat(64))).not.toThrow();
    for (const bad of ['', 'short', Buffer.alloc(16).toString('base64'), 'change-me-32-bytes-of-random-base64']) expect(() => createSealer(bad), bad).toThrow(SecretsKeyError);
  });

  it('requires SECRETS_KEY in production and generates one into DATA_DIR elsewhere, once', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'secrets-key-'));
    dirs.push(dataDir);
    expect(() => resolveSecretsKey({ secretsKey: undefined, production: true, dataDir })).toThrow(/SECRETS_KEY is required in production/);
    expect(existsSync(path.join(dataDir, 'secrets.key'))).toBe(false);
    const first = resolveSecretsKey({ secretsKey: '', production: false, dataDir });
    expect(first.source).toBe('generated');
    expect(statSync(path.join(dataDir, 'secrets.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(dataDir, 'secrets.key'), 'utf8').trim()).toBe(first.key);
    expect(resolveSecretsKey({ secretsKey: undefined, production: false, dataDir })).toEqual({ key: first.key, source: 'file' });
    expect(resolveSecretsKey({ secretsKey: ` ${first.key} `, production: true, dataDir })).toEqual({ key: first.key, source: 'setting' });
  });
});
