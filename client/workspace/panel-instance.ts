/**
 * One panel in the workspace, as the panel itself sees it: its id (to be the target of "show this
 * field" requests), its own state and its tab title. Two panels of one kind (two Forms on
 * different sections, two Histories on different fields) are two instances with two states.
 *
 * The state lives in golden-layout's `componentState` of the panel's item, so it is saved with the
 * layout and given back after a reload (layout-persistence.ts). Keep it small and JSON: a field
 * pointer, a section id, a tab name — never data of the configuration.
 */
import type { Accessor } from 'solid-js';

export type PanelState = Readonly<Record<string, unknown>>;

export interface PanelInstance {
  /** Unique in this page (not saved: a reload makes new ones). */
  readonly id: string;
  readonly type: string;
  state: Accessor<PanelState>;
  /** Merges `patch` into the state; the layout is saved a moment later. */
  setState(patch: Record<string, unknown>): void;
  /** The panel's tab title (e.g. "History · Board"). */
  setTitle(title: string): void;
}

/** A string field of a panel's state, or null when missing or of another type (older layouts). */
export function stateString(state: PanelState, key: string): string | null {
  const value = state[key];
  return typeof value === 'string' ? value : null;
}

/** The componentState golden-layout gives back: an object, or nothing usable. */
export function readPanelState(value: unknown): PanelState {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as PanelState) : {};
}
