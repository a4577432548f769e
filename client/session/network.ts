/**
 * What a configuration's connection needs from its surroundings: whether the machine is online,
 * the online/offline events, and the WebSocket class. In a page these are the browser's
 * (`browserNetwork`); the container's lifecycle tests pass Node's, so they can count every socket
 * and listener a container leaves behind (tests/client-container-lifecycle.test.ts).
 */

export interface NetworkEnvironment {
  /** `navigator.onLine`: false means "do not even try". */
  online(): boolean;
  /** Calls `listener` on the browser's `online`/`offline` events; returns "stop listening". */
  onOnlineChange(listener: (online: boolean) => void): () => void;
  /** The class the y-websocket provider opens its sockets with. */
  WebSocket: typeof WebSocket;
}

export function browserNetwork(): NetworkEnvironment {
  return {
    online: () => navigator.onLine,
    onOnlineChange(listener) {
      const online = (): void => listener(true);
      const offline = (): void => listener(false);
      window.addEventListener('online', online);
      window.addEventListener('offline', offline);
      return () => {
        window.removeEventListener('online', online);
        window.removeEventListener('offline', offline);
      };
    },
    WebSocket,
  };
}
