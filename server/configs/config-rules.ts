/**
 * What the config routes ask of the schema layer and of access: defaults for new configurations,
 * the validation result for GET, and closing live sessions of a deleted configuration. Kept as a
 * small interface so the routes do not depend on how validation is done.
 */
import { defaultConfig } from '../../shared/doc-binding.ts';
import { treeTextsOfState } from '../../shared/boards/custom-boards.ts';
import { customBoardsOfTree, validateConfig } from '../../shared/validation/index.ts';
import type { AccessEvents } from '../access/access-control.ts';
import { requireWellShaped } from './data-routes.ts';

export interface ConfigRules {
  /** Turns client-supplied initial data into what is stored (defaults applied; throws ApiError 422). */
  prepareNewData(data: Record<string, unknown>): Record<string, unknown>;
  /** Extra fields for `GET /api/configs/:id` (the validation result); `yjsState` of the same point
   * brings the tree's board files (shared/boards/custom-boards.ts). */
  describe(configId: string, data: Record<string, unknown>, yjsState: Uint8Array): Record<string, unknown>;
  /** A config was deleted: close its live sessions. */
  onDeleted(configId: string): void;
}

export function createConfigRules(deps: { events: AccessEvents }): ConfigRules {
  return {
    prepareNewData(data) {
      // Defaults are applied once, here, on the server: a client seeding them would create the
      // Y.Text and Y.Array values twice when two people open a new configuration at once.
      return { ...defaultConfig(), ...requireWellShaped(data) };
    },
    describe(_configId, data, yjsState) {
      // The validation of exactly what is served (the durable state), not of the live document,
      // which may hold an edit that is not committed yet.
      return { validation: validateConfig(data, { customBoards: customBoardsOfTree(treeTextsOfState(yjsState)) }) };
    },
    onDeleted(configId) {
      void deps.events.invalidate({ configId });
    },
  };
}
