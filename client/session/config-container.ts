/**
 * One container per open configuration: the document connection (y-websocket provider and the
 * IndexedDB copy), presence, validation and live events (`ConfigSession`), history, comments and
 * reviews (`ReviewCenter`), and builds (`BuildCenter`) are created together here and destroyed
 * together by one `dispose()`, which leaves no socket, timer or listener behind
 * (tests/client-container-lifecycle.test.ts opens and closes one several times and counts).
 *
 * Panels get the container of their configuration from the workbench (architecture.md,
 * "Client"); nothing about an open configuration lives in a module-level variable, so whatever a
 * panel holds goes when its container goes.
 */
import { createRoot } from 'solid-js';
import type { Action } from '../../shared/roles.ts';
import type { Api } from '../app/api.ts';
import { createBuildCenter, type BuildCenter } from '../builds/build-center.ts';
import { createReviewCenter, type ReviewCenter } from '../review/review-center.ts';
import { createConfigSession, type ConfigSession, type SessionOptions } from './config-session.ts';

export interface ConfigContainer {
  readonly configId: string;
  /** Document, connection, presence, validation, live events, save state. */
  readonly session: ConfigSession;
  /** History, comments, reviews, following. */
  readonly review: ReviewCenter;
  /** Builds, for the Build button and the Builds panel. */
  readonly builds: BuildCenter;
  /** May you `action` here now (the session's `may`: the role table, and nothing once the
   * connection has ended). Every panel asks this, never the role alone. */
  may(action: Action): boolean;
  /** Ends everything above; safe to call twice. */
  dispose(): void;
  readonly disposed: boolean;
}

export interface ContainerOptions extends SessionOptions {
  api: Api;
}

export function openConfigContainer(options: ContainerOptions): ConfigContainer {
  // One reactive root owns every effect the parts create (the build center's connection watch,
  // the review center's reconnect refresh), so disposing it stops them all at once.
  return createRoot((disposeRoot) => {
    const session = createConfigSession(options);
    const review = createReviewCenter(options.api, session);
    const builds = createBuildCenter(options.api.builds, session);
    let disposed = false;
    return {
      configId: options.configId,
      session,
      review,
      builds,
      may: (action) => session.may(action),
      get disposed() {
        return disposed;
      },
      dispose() {
        if (disposed) return;
        disposed = true;
        // Listeners of the session first, then the session (socket, local copy, document).
        builds.destroy();
        review.destroy();
        session.destroy();
        disposeRoot();
      },
    };
  });
}
