/**
 * The builds of the open configuration, shared by the Build button and the Builds panel: the
 * list, which build is selected, starting, cancelling and retrying builds, and the server's last
 * refusal with its reason. One per configuration session; `destroy` stops its timers.
 *
 * The list is kept fresh by the server's pushes (`build/status`, `build/progress` live events:
 * every status change and progress report of every build of this configuration, whoever started
 * it), not by polling. Only while the connection is trying to come back does it read the list
 * every DISCONNECTED_BUILDS_POLL_MS (a build may finish meanwhile, and REST may work while the
 * WebSocket does not), and it reads it once more when the connection is back, since pushes sent
 * meanwhile are lost.
 */
import { batch, createEffect, createSignal, on, type Accessor } from 'solid-js';
import type { BuildProgressPayload, BuildStatusPayload } from '../../shared/ext-messages.ts';
import { isTerminal } from '../../shared/builds/status.ts';
import { ApiRequestError } from '../app/api.ts';
import type { BuildApi, BuildSummary } from '../app/build-api.ts';
import type { ConfigSession } from '../session/config-session.ts';
import type { BuildRefusal } from './build-availability.ts';
import { isActive, shortHash } from './build-format.ts';

/** While the connection is reconnecting (no pushes) and a build is active or the panel is open,
 * the list is read this often: slow, because the REST API may be as unreachable as the WebSocket. */
export const DISCONNECTED_BUILDS_POLL_MS = 5_000;

export interface BuildCenter {
  /** The configuration session these builds belong to: the Build button reads its connection,
   * role and validation from here, so it can never show one configuration's builds with another's
   * connection state. */
  readonly session: ConfigSession;
  builds: Accessor<BuildSummary[]>;
  /** The list has been read at least once. */
  loaded: Accessor<boolean>;
  listError: Accessor<string | null>;
  /** The server said the build queue is not configured or reachable (503). */
  queueUnavailable: Accessor<string | null>;
  selectedId: Accessor<string | null>;
  select(id: string | null): void;
  requesting: Accessor<boolean>;
  refusal: Accessor<BuildRefusal | null>;
  /** A passing note about the last request ("already built: showing that build"). */
  note: Accessor<string | null>;
  /** Starts a build of the current state; selects it. Resolves with its id, or null if refused. */
  request(options?: { force?: boolean }): Promise<string | null>;
  cancel(id: string): Promise<void>;
  retry(id: string): Promise<void>;
  refresh(): Promise<void>;
  /** A view wants the list kept fresh while it is shown; returns "no longer shown". */
  watch(): () => void;
  destroy(): void;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function refusalOf(error: ApiRequestError): BuildRefusal {
  const details = error.details.map((d) => ({ path: d.path, message: d.message }));
  const text = error.code === 'validation_failed' && details.length > 0 ? `${error.message}: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}` : error.message;
  return { code: error.code, message: text, details };
}

export function createBuildCenter(api: BuildApi, session: ConfigSession): BuildCenter {
  const configId = session.configId;
  const [builds, setBuilds] = createSignal<BuildSummary[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [listError, setListError] = createSignal<string | null>(null);
  const [queueUnavailable, setQueueUnavailable] = createSignal<string | null>(null);
  const [selectedId, setSelectedId] = createSignal<string | null>(null);
  const [requesting, setRequesting] = createSignal(false);
  const [refusal, setRefusal] = createSignal<BuildRefusal | null>(null);
  const [note, setNote] = createSignal<string | null>(null);
  let watchers = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let destroyed = false;
  let inflight: Promise<void> | null = null;

  const schedule = (): void => {
    clearTimeout(timer);
    // Pushes arrive while connected; offline or ended, a list request would fail or be refused.
    if (destroyed || session.connection() !== 'connecting') return;
    const active = builds().some((b) => isActive(b.status));
    if (!active && watchers === 0) return;
    timer = setTimeout(() => void refresh(), DISCONNECTED_BUILDS_POLL_MS);
  };

  const load = async (): Promise<void> => {
    try {
      const list = await api.list(configId);
      if (destroyed) return;
      batch(() => {
        setBuilds(list);
        setLoaded(true);
        setListError(null);
        setQueueUnavailable(null);
        if (selectedId() === null && list.length > 0) setSelectedId(list[0].id);
      });
    } catch (error) {
      if (destroyed) return;
      batch(() => {
        setLoaded(true);
        if (error instanceof ApiRequestError && error.code === 'queue_unavailable') setQueueUnavailable(error.message);
        else setListError(message(error));
      });
    }
  };
  // A status pushed while a list request is on its way may be newer than its answer.
  let stale = false;
  const refresh = (): Promise<void> => {
    // One list request at a time; callers during one share it.
    inflight ??= load().finally(() => {
      inflight = null;
      if (stale && !destroyed) {
        stale = false;
        void refresh();
      } else schedule();
    });
    return inflight;
  };

  // A refusal holds for this exact content and these reviews: an edit or a review decision may
  // change the answer, so the button asks again.
  const clearRefusal = (): void => {
    if (refusal()) setRefusal(null);
  };
  const offFields = session.fields.onChange(clearRefusal);
  const offEvents = session.onEvent((event) => {
    if (event.type === 'review' || event.type === 'settings') clearRefusal();
  });

  const patchBuild = (id: string, change: Partial<BuildSummary>): boolean => {
    const list = builds();
    const index = list.findIndex((b) => b.id === id);
    if (index < 0) return false;
    setBuilds([...list.slice(0, index), { ...list[index], ...change }, ...list.slice(index + 1)]);
    return true;
  };
  const onStatus = (event: BuildStatusPayload): void => {
    if (inflight) stale = true;
    const known = patchBuild(event.buildId, { status: event.status, error: event.error, attempts: event.attempts });
    // A build someone else started is not in the list yet; a finished one has times and
    // artifacts the event does not carry: read the list.
    if (!known || isTerminal(event.status)) void refresh();
  };
  const onProgress = (event: BuildProgressPayload): void => {
    const current = builds().find((b) => b.id === event.buildId);
    // Progress means a builder has it, even if the "running" status is still on its way.
    if (current) patchBuild(event.buildId, { stage: event.stage, progress: event.pct, ...(current.status === 'queued' ? { status: 'running' as const } : {}) });
  };
  const offStatus = session.on('build/status', onStatus);
  const offProgress = session.on('build/progress', onProgress);

  // Pushes stop while the connection is down: poll slowly meanwhile, and read the list again
  // once it is back (what was pushed meanwhile is lost).
  createEffect(
    on(
      session.connection,
      (state, previous) => {
        if (state === 'connected' && previous !== undefined && previous !== 'connected' && (loaded() || watchers > 0)) void refresh();
        else schedule();
      },
      { defer: true },
    ),
  );

  return {
    session,
    builds,
    loaded,
    listError,
    queueUnavailable,
    selectedId,
    select: setSelectedId,
    requesting,
    refusal,
    note,
    async request(options) {
      setRequesting(true);
      setNote(null);
      try {
        const accepted = await api.request(configId, options);
        batch(() => {
          setRefusal(null);
          setQueueUnavailable(null);
          setSelectedId(accepted.id);
          if (accepted.deduplicated) {
            setNote(`This exact content (${shortHash(accepted.contentHash)}) was already built or is building: showing that build.`);
          }
        });
        await refresh();
        return accepted.id;
      } catch (error) {
        if (error instanceof ApiRequestError && error.status < 500) setRefusal(refusalOf(error));
        else if (error instanceof ApiRequestError && error.code === 'queue_unavailable') setQueueUnavailable(error.message);
        else setRefusal({ code: 'request_failed', message: `The build was not started: ${message(error)}`, details: [] });
        return null;
      } finally {
        setRequesting(false);
      }
    },
    async cancel(id) {
      try {
        await api.cancel(id);
      } catch (error) {
        setNote(`Cancel failed: ${message(error)}`);
      }
      await refresh();
    },
    async retry(id) {
      try {
        const next = await api.retry(id);
        setSelectedId(next.id);
        setNote(null);
      } catch (error) {
        setNote(`Retry failed: ${message(error)}`);
      }
      await refresh();
    },
    refresh,
    watch() {
      watchers += 1;
      void refresh();
      let done = false;
      return () => {
        if (done) return;
        done = true;
        watchers -= 1;
        schedule();
      };
    },
    destroy() {
      destroyed = true;
      clearTimeout(timer);
      offFields();
      offEvents();
      offStatus();
      offProgress();
    },
  };
}
