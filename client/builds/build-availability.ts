/**
 * Whether the Build button works right now, and if not, why — in the words the button's tooltip
 * and the Builds panel show. The server checks all of this again; this only spares people a
 * request that would be refused.
 */
import type { Role } from '../../shared/roles.ts';
import type { ConnectionState } from '../session/sync-connection.ts';
import { plural } from '../app/words.ts';

/** A build request the server refused, kept until something changes that could make it pass. */
export interface BuildRefusal {
  /** `approval_required` (409), `validation_failed` (422), `queue_unavailable` (503), … */
  code: string;
  message: string;
  details: { path: string; message: string }[];
}

export interface BuildAvailabilityInput {
  /** The container's `may('build')`: the one decision (role table, connection not ended). */
  mayBuild: boolean;
  /** Your role, for the words only. */
  role: Role | null;
  connection: ConnectionState;
  synced: boolean;
  /** Errors of the local (or server) validation shown in the Problems panel. */
  errors: number;
  refusal: BuildRefusal | null;
  /** The build queue answered that it is not configured or not reachable. */
  queueUnavailable: string | null;
  requesting: boolean;
}

export type BlockKind = 'loading' | 'role' | 'connection' | 'errors' | 'refused' | 'queue' | 'busy';

export type BuildAvailability = { enabled: true; reason: null } | { enabled: false; kind: BlockKind; reason: string };

const blocked = (kind: BlockKind, reason: string): BuildAvailability => ({ enabled: false, kind, reason });

export function buildAvailability(input: BuildAvailabilityInput): BuildAvailability {
  if (input.role === null || !input.synced) return blocked('loading', 'The configuration is still loading.');
  if (!input.mayBuild) {
    // `may` says no for two reasons: the connection ended (it would say yes after a reconnect)
    // or the role does not build.
    if (input.connection === 'closed') return blocked('connection', 'Disconnected: reconnect to build.');
    return blocked('role', `You are a ${input.role} here: only editors and owners can start a build.`);
  }
  if (input.connection !== 'connected') return blocked('connection', 'Not connected: building waits until your edits are saved on the server.');
  if (input.errors > 0) {
    return blocked('errors', `Fix ${plural(input.errors, 'error')} before building (see the Problems panel).`);
  }
  if (input.queueUnavailable) return blocked('queue', `Builds are not available: ${input.queueUnavailable}`);
  if (input.refusal && input.refusal.code !== 'queue_unavailable') return blocked('refused', input.refusal.message);
  if (input.requesting) return blocked('busy', 'Starting the build…');
  return { enabled: true, reason: null };
}
