/**
 * A room's unit of change on its way to storage and out (room.ts): the updates one client message
 * (or one server or REST write) made, gathered while it is applied, committed together and, once
 * durable, fanned out with whatever else of the room the same batch committed (fan-out.ts).
 */
import type * as Y from 'yjs';
import type { Connection } from './connection.ts';
import type { DocOrigin } from './room-contract.ts';

/** A group the committer has made durable, waiting for this turn's fan-out. */
export interface CommittedGroup {
  group: ChangeGroup;
  /** The highest stored row id this room knew before the group's rows. */
  prev: number;
  ids: number[];
  /** The room's applied sequence number of the group's last update. */
  seq: number;
  bytes: number;
}

/** One change as it travels to storage and then to the other clients. */
export interface ChangeGroup {
  author: Connection | null;
  /** performance.now() when the client message arrived (for the fan-out latency figure). */
  receivedAt?: number;
  updates: Array<{ update: Uint8Array; origin: DocOrigin }>;
  /** Some update of the group changed a root the schema checks (the configuration, not only the notes). */
  touchedConfig: boolean;
  /** Some update of the group changed the userpatches tree. */
  touchedFiles: boolean;
}

/** Did the transaction change anything inside the checked roots, the tree's roots? One walk of
 * each changed type up to its root, for both (this runs on every update). */
export function touchedBy(tr: Y.Transaction, config: ReadonlySet<Y.AbstractType<unknown>>, files: ReadonlySet<Y.AbstractType<unknown>>): { touchedConfig: boolean; touchedFiles: boolean } {
  let touchedConfig = false;
  let touchedFiles = false;
  for (const type of tr.changed.keys()) {
    let t: Y.AbstractType<unknown> = type as Y.AbstractType<unknown>;
    while (t._item) t = t._item.parent as Y.AbstractType<unknown>;
    touchedConfig ||= config.has(t);
    touchedFiles ||= files.has(t);
    if (touchedConfig && touchedFiles) break;
  }
  return { touchedConfig, touchedFiles };
}
