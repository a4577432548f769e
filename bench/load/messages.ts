/**
 * What the bench (parent) and a load generator (child process) say to each other over IPC.
 *
 * The parent owns the phases (connect, write, measure, stop, report) so that several generators
 * agree on the measured window; each generator owns its clock, and a room's clients all live in
 * one generator, so send and receive times of an update come from the same clock.
 */
import type { Dialect } from '../wire.ts';

export interface ClientPlan {
  /** Global client number (targets may route by it). */
  index: number;
  url: string;
  /** Loopback address the client connects from. */
  localAddress: string;
  doc: string;
  writer: boolean;
  /** Which process of the target the client connects to (0 for a single-process target). */
  server: number;
}

export interface GeneratorPlan {
  dialect: Dialect;
  clients: ClientPlan[];
  /** Connections being opened and not yet synced, at most. */
  connectConcurrency: number;
  /** Give up on the connect phase after this long (clients not synced by then count as failed). */
  connectTimeoutMs: number;
  /** Updates each writer can send at most (its pre-generated script). */
  updatesPerWriter: number;
}

export type ToGenerator =
  | { type: 'plan'; plan: GeneratorPlan }
  | { type: 'connect' }
  /** Send each writer's paragraph, then markers at `rate` updates/s across this generator's writers. */
  | { type: 'write'; rate: number }
  | { type: 'measure-start' }
  /** Ends the measured window and stops writing. */
  | { type: 'measure-end' }
  | { type: 'report' }
  | { type: 'close' };

export interface GeneratorReport {
  /** Fan-out latencies in ms, one per (update sent in the window, receiving client). */
  latencies: Float64Array;
  /** The subset of `latencies` whose receiver sits on another server process than the author
   * (empty for a single-process target). */
  crossLatencies: Float64Array;
  /** Updates sent in the measured window. */
  sent: number;
  /** Receipts expected: each measured update, once per other client of its room. */
  expected: number;
  /** Receipts seen (of measured updates, by clients other than the author). */
  received: number;
  /** Receipts of an update by the same client more than once (each (update, receiver) pair is
   * tracked, so a duplicate never hides a missing receipt). */
  duplicates: number;
  /** Receipts of an update by its own author (Hocuspocus and the reference server send updates
   * back to their author; not fan-out, not counted anywhere else). */
  echoes: number;
  /** Connections that closed while they should have been open. */
  unexpectedCloses: number;
  /** The generator's own CPU over the window (% of one core) and event-loop delay p99 (ms): if
   * these are high, the figures are about the generator, not the server. */
  cpuPercent: number;
  loopDelayP99Ms: number;
  rssBytes: number;
}

export type FromGenerator =
  | { type: 'ready' }
  | { type: 'progress'; synced: number; failed: number }
  | { type: 'connected'; synced: number; failed: number; ms: number; errors: string[] }
  | { type: 'report'; report: GeneratorReport }
  | { type: 'closed' }
  | { type: 'error'; message: string };
