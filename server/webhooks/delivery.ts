/**
 * One attempt to deliver a webhook: a POST of the exact body, signed, to the webhook's URL,
 * connecting only to an address the URL guard lets through (url-guard.ts: checked in the socket's
 * own `lookup`, so the address checked is the address connected to), never following a redirect,
 * given up after `timeoutMs` in all, and keeping only the first bytes of the answer.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { BlockList } from 'node:net';
import { isIP } from 'node:net';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signatureHeader } from './signature.ts';
import { hostOf, refusedAddress } from './url-guard.ts';

/** What the delivery log keeps of an answer: enough to see "404 Not Found" or a stack trace's
 * first line, not a receiver's whole page. */
export const RESPONSE_EXCERPT_BYTES = 1024;
export const USER_AGENT = 'Boardroom-Webhooks/1';

export interface AttemptResult {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
  /** False when trying again cannot help (a refused address). */
  retryable: boolean;
}

export interface DeliveryRequest {
  url: string;
  secret: string;
  body: string;
  eventType: string;
  eventId: string;
  deliveryId: string;
  timeoutMs: number;
  allowed: BlockList;
  /** Seconds since the epoch, for the signature (tests pass their clock). */
  now?: () => number;
}

class RefusedAddress extends Error {}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** `lookup` for the socket: resolves every address of the name, refuses the lot if one of them is
 * refused (a name with one private address is not a receiver we send to), and hands the checked
 * addresses to the connection. */
function guardedLookup(allowed: BlockList) {
  return (hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback): void => {
    dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (err, addresses) => {
      if (err) return callback(err, '');
      for (const a of addresses) {
        // Which address is not said: the log is the owner's, and naming it would make webhooks a
        // way to read the deployment's internal DNS.
        if (refusedAddress(a.address, allowed)) {
          return callback(
            Object.assign(new RefusedAddress(`${hostname} resolves to a private, loopback, link-local or reserved address (WEBHOOK_ALLOWED_NETWORKS lets chosen networks through)`), {
              code: 'EREFUSEDADDRESS',
            }),
            '',
          );
        }
      }
      if (addresses.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '');
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

export function attemptDelivery(request: DeliveryRequest): Promise<AttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const fail = (error: string, retryable = true, statusCode: number | null = null, excerpt: string | null = null): AttemptResult => ({
    ok: false,
    statusCode,
    durationMs: elapsed(),
    error,
    responseExcerpt: excerpt,
    retryable,
  });
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return Promise.resolve(fail('the webhook URL does not parse', false));
  }
  // A literal address never goes through `lookup`: check it here.
  const host = hostOf(url);
  if (isIP(host)) {
    const why = refusedAddress(host, request.allowed);
    if (why) return Promise.resolve(fail(`refused: ${why}`, false));
  }
  const timestamp = Math.floor(request.now?.() ?? Date.now() / 1000);
  const headers = {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'content-length': String(Buffer.byteLength(request.body)),
    [EVENT_HEADER]: request.eventType,
    'Boardroom-Event-Id': request.eventId,
    [DELIVERY_HEADER]: request.deliveryId,
    [SIGNATURE_HEADER]: signatureHeader(request.secret, timestamp, request.body),
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    const finish = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = client.request(
      url,
      // No agent: a fresh connection per attempt, so every attempt resolves and checks again.
      { method: 'POST', headers, agent: false, lookup: guardedLookup(request.allowed) as never },
      (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        const done = () => {
          const excerpt = kept > 0 ? Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8') : null;
          const status = res.statusCode ?? 0;
          const ok = status >= 200 && status < 300;
          const why = ok ? null : status >= 300 && status < 400 ? `HTTP ${status}: redirects are not followed` : `HTTP ${status}`;
          finish({ ok, statusCode: status, durationMs: elapsed(), error: why, responseExcerpt: excerpt, retryable: true });
          res.destroy();
        };
        res.on('data', (chunk: Buffer) => {
          if (kept < RESPONSE_EXCERPT_BYTES) {
            chunks.push(chunk);
            kept += chunk.length;
          }
          // Enough read: the rest of a large answer is not waited for.
          if (kept >= RESPONSE_EXCERPT_BYTES) done();
        });
        res.on('end', done);
        res.on('error', () => done());
      },
    );
    const timer = setTimeout(() => {
      finish(fail(`no answer within ${request.timeoutMs} ms`));
      req.destroy();
    }, request.timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof RefusedAddress) finish(fail(`refused: ${err.message}`, false));
      else finish(fail(err.code ? `${err.code}: ${err.message}` : err.message));
    });
    req.end(request.body);
  });
}
