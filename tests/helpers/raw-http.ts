/**
 * Raw HTTP/1.1 requests over a TCP socket, for inputs `fetch` would refuse or normalise: malformed
 * percent-escapes, raw UTF-8 in the path, unknown methods, upgrade headers, oversized headers.
 * Only the status line is read; the socket is then closed (an upgrade or an SSE stream would
 * otherwise stay open).
 */
import net from 'node:net';

/** Longest the server may take to start answering one request on this busy machine. */
const RAW_REQUEST_TIMEOUT_MS = 15_000;

export interface RawRequest {
  method: string;
  /** Request target exactly as sent (bytes of its UTF-8 encoding). */
  target: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** Sends one request and resolves with the answer's status code (0: closed without an answer). */
export function rawStatus(port: number, req: RawRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${RAW_REQUEST_TIMEOUT_MS} ms to ${req.method} ${req.target.slice(0, 120)}`));
    }, RAW_REQUEST_TIMEOUT_MS);
    const finish = (status: number) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(status);
    };
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n');
      if (end < 0) return;
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(received.subarray(0, end).toString('latin1'));
      finish(match ? Number(match[1]) : 0);
    });
    socket.on('error', () => finish(0));
    socket.on('close', () => finish(0));
    const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, 'utf8');
    const headers: Record<string, string> = { host: `127.0.0.1:${port}`, connection: 'close', ...req.headers };
    if (body && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length' || h.toLowerCase() === 'transfer-encoding')) {
      headers['content-length'] = String(body.length);
    }
    const head = `${req.method} ${req.target} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
    socket.write(Buffer.from(head, 'utf8'));
    if (body) socket.write(body);
  });
}

/** Sends one request the server answers and closes (a refusal): status and body, read to the end. */
export function rawResponse(port: number, req: RawRequest): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${RAW_REQUEST_TIMEOUT_MS} ms to ${req.method} ${req.target.slice(0, 120)}`));
    }, RAW_REQUEST_TIMEOUT_MS);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
    const headers: Record<string, string> = { host: `127.0.0.1:${port}`, connection: 'close', ...req.headers };
    socket.write(`${req.method} ${req.target} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`);
  });
}

/** Headers of a WebSocket upgrade (a valid key, so `ws` would accept it). */
export const UPGRADE_HEADERS: Record<string, string> = {
  connection: 'Upgrade',
  upgrade: 'websocket',
  'sec-websocket-version': '13',
  'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
};
