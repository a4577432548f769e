/**
 * A load client that does as little as possible: it opens the socket, sends the opening frames,
 * counts itself synced at the first sync step 2, and hands update frames to a callback without
 * decoding them. It never answers the server's sync step 1 and has no awareness.
 */
import { WebSocket } from 'ws';
import { classify, FrameKind, openingFrames, type Dialect } from '../wire.ts';

export interface LightClientHooks {
  onUpdateFrame(client: LightClient, frame: Buffer, body: number): void;
  /** A close the bench did not ask for (server gone, slow-consumer close, timeout). */
  onUnexpectedClose(client: LightClient, code: number): void;
}

export class LightClient {
  private ws: WebSocket | null = null;
  synced = false;
  private closing = false;

  constructor(
    readonly index: number,
    readonly url: string,
    private readonly localAddress: string,
    readonly doc: string,
    readonly dialect: Dialect,
    private readonly hooks: LightClientHooks,
  ) {}

  /** Resolves once synced; rejects on error, early close or timeout (and closes the socket). */
  connect(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(this.url, {
        perMessageDeflate: false,
        skipUTF8Validation: true,
        localAddress: this.localAddress,
      });
      this.ws = ws;
      let settled = false;
      const fail = (why: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.close();
        reject(new Error(why));
      };
      const timer = setTimeout(() => fail(`not synced after ${timeoutMs} ms`), timeoutMs);
      ws.on('open', () => {
        for (const frame of openingFrames(this.dialect, this.doc)) ws.send(frame);
      });
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (!isBinary) return;
        const { kind, body } = classify(this.dialect, data);
        if (kind === FrameKind.update) this.hooks.onUpdateFrame(this, data, body);
        else if (kind === FrameKind.syncStep2 && !this.synced) {
          this.synced = true;
          if (!settled) {
            settled = true;
            clearTimeout(timer);
            resolve();
          }
        }
      });
      ws.on('error', (error) => fail(error.message));
      ws.on('close', (code) => {
        if (!settled) fail(`closed with ${code} before sync`);
        else if (!this.closing) this.hooks.onUnexpectedClose(this, code);
      });
    });
  }

  send(frame: Buffer): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(frame);
  }

  close(): void {
    this.closing = true;
    const ws = this.ws;
    if (!ws) return;
    if (ws.readyState === WebSocket.OPEN) ws.close(1000);
    else if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
  }

  /** Closing without the closing handshake, for tearing down thousands of sockets quickly. */
  terminate(): void {
    this.closing = true;
    this.ws?.terminate();
  }
}
