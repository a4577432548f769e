/**
 * Config hooks before the schema layer is wired in: data is stored as given.
 */
import { CloseCode } from '../shared/protocol.ts';
import type { ConfigHooks } from './routes/config-hooks.ts';
import type { RoomManager } from './sync/room-manager.ts';
import type { ConnectionRegistry } from './ws-transport.ts';

export function defaultConfigHooks(deps: { manager: RoomManager; registry: ConnectionRegistry }): ConfigHooks {
  return {
    prepareNewData: (data) => data,
    describe: () => ({}),
    onDeleted(configId) {
      for (const conn of deps.registry.byConfig.get(configId) ?? []) conn.close(CloseCode.notFound);
    },
  };
}
