/**
 * Stock y-websocket clients for tests, on Node's side of the wire (`ws` as the WebSocket).
 */
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { eventually } from './wait.ts';

export interface TestClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  destroy(): void;
}

/** A stock provider. `who` is a base URL (credentials in `params`) or `{ url, token }`. */
export function connectClient(
  who: string | { url: string; token: string },
  configId: string,
  params: Record<string, string> = {},
): TestClient {
  const baseUrl = typeof who === 'string' ? who : who.url;
  if (typeof who !== 'string') params = { token: who.token, ...params };
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(baseUrl.replace(/^http/, 'ws') + '/sync', configId, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params,
    disableBc: true,
  });
  return {
    doc,
    provider,
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

export async function synced(client: TestClient, timeoutMs = 10_000): Promise<void> {
  await eventually(
    () => {
      if (!client.provider.synced) throw new Error('not synced yet');
    },
    { timeoutMs },
  );
}

/** The close code the server ends `client` with (0 if none came); stops it from reconnecting. */
export function closeCode(client: TestClient): Promise<number> {
  return new Promise((resolve) =>
    client.provider.on('connection-close', (e: CloseEvent | null) => {
      client.provider.shouldConnect = false;
      resolve(e?.code ?? 0);
    }),
  );
}
