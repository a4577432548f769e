/**
 * The server as the schema authority (docs/architecture.md, "Server authority").
 *
 * - Shape: after every client change, before anything is committed or fanned out, the document is
 *   checked; wrong types, unknown keys and over-size values are repaired by a server transaction
 *   that joins the same commit, so other clients never receive the invalid shape. The author is
 *   told which paths were repaired and why (`repaired` message).
 * - Rules: after commits, the whole configuration is validated (bursts coalesced); the result is
 *   kept per room, pushed to extension (`?ext=`) clients when it changes, and returned by REST.
 */
import type { Logger } from 'pino';
import { configToJson } from '../../shared/doc-binding.ts';
import { checkDocShape, repairShape } from '../../shared/doc-repair.ts';
import { encodeExt } from '../../shared/ext-messages.ts';
import { MessageType } from '../../shared/protocol.ts';
import { treeTextsOfDoc } from '../../shared/boards/custom-boards.ts';
import { customBoardsOfTree, validateConfig, type ValidationResult } from '../../shared/validation/index.ts';
import type { Connection } from '../sync/connection.ts';
import { SERVER_ORIGIN, type DocChange, type Room, type RoomHooks } from '../sync/room.ts';

/** Validation of a burst of keystrokes runs once, this long after the burst's last commit. Short
 * enough that the Problems panel feels live, long enough to skip the intermediate states. */
export const VALIDATION_DEBOUNCE_MS = 50;

interface RoomValidation {
  result: ValidationResult | null;
  /** JSON of the last result pushed, to push only changes. */
  pushed: string;
  /** The document changed since `result` was computed. */
  dirty: boolean;
  timer: NodeJS.Timeout | null;
}

export interface SchemaAuthority {
  hooks: RoomHooks;
  onRepair?: (configId: string, count: number) => void;
}

export function createSchemaAuthority(deps: {
  logger: Logger;
  onValidated?: (configId: string, result: ValidationResult) => void;
  onRepaired?: (configId: string, paths: number) => void;
}): SchemaAuthority {
  const states = new WeakMap<Room, RoomValidation>();
  const stateOf = (room: Room): RoomValidation => {
    let s = states.get(room);
    if (!s) states.set(room, (s = { result: null, pushed: '', timer: null, dirty: true }));
    return s;
  };

  const validateNow = (room: Room): ValidationResult => {
    const s = stateOf(room);
    // The tree's board files decide which BOARD values exist (shared/boards/custom-boards.ts).
    s.result = validateConfig(configToJson(room.doc), { customBoards: customBoardsOfTree(treeTextsOfDoc(room.doc)) });
    s.dirty = false;
    deps.onValidated?.(room.configId, s.result);
    return s.result;
  };

  const push = (room: Room): void => {
    const s = stateOf(room);
    const result = validateNow(room);
    const json = JSON.stringify(result);
    if (json === s.pushed) return;
    s.pushed = json;
    room.broadcastExt(encodeExt(MessageType.validation, result));
  };

  const hooks: RoomHooks = {
    afterClientChange(room: Room, author: Connection, change: DocChange) {
      // Notes-only edits cannot break the configuration's shape: skip the whole-config check.
      if (!change.touchedConfig) return;
      const issues = checkDocShape(room.doc);
      if (issues.length === 0) return;
      const repaired = repairShape(room.doc, issues, SERVER_ORIGIN);
      deps.logger.info({ configId: room.configId, conn: author.id, repaired }, 'repaired shape violations');
      deps.onRepaired?.(room.configId, repaired.length);
      if (author.ext && repaired.length > 0) {
        // Sent once the repair is durable and on its way to everyone, like any other change.
        void room.whenSaved().then(() => author.send(encodeExt(MessageType.repaired, { issues: repaired })));
      }
    },
    afterCommit(room: Room, change: DocChange) {
      // Rules read the configuration and the tree's board files: a notes edit cannot change the result.
      if (!change.touchedConfig && !change.touchedFiles) return;
      const s = stateOf(room);
      s.dirty = true;
      if (s.timer) return;
      s.timer = setTimeout(() => {
        s.timer = null;
        if (room.doc.isDestroyed) return;
        push(room);
      }, VALIDATION_DEBOUNCE_MS);
      s.timer.unref();
    },
    onJoin(room: Room, conn: Connection) {
      if (!conn.ext) return;
      const s = stateOf(room);
      const result = s.result && !s.dirty ? s.result : validateNow(room);
      if (!s.pushed) s.pushed = JSON.stringify(result);
      conn.send(encodeExt(MessageType.validation, result));
    },
  };

  return { hooks };
}
