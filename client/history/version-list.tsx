/**
 * Named versions: save the current state under a label, compare a version with now (kept current
 * while people edit), restore it whole or one field at a time. Versions saved by others, by
 * builds and by reviews arrive live.
 */
import { createEffect, createSignal, For, on, onCleanup, Show, type JSX } from 'solid-js';
import type { DiffEntry } from '../../shared/config-diff.ts';
import type { VersionMeta } from '../../shared/history-types.ts';
import { relativeTime } from '../app/words.ts';
import type { ReviewCenter } from '../review/review-center.ts';
import { DiffView } from './diff-view.tsx';
import type { HistoryApi } from './history-api.ts';
import { fieldTitle } from './value-format.ts';

const KIND_WORDS: Record<VersionMeta['kind'], string | null> = { manual: null, build: 'build', review: 'review' };

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

function SaveVersion(props: { onSave: (label: string) => Promise<void> }): JSX.Element {
  const [busy, setBusy] = createSignal(false);
  let input!: HTMLInputElement;
  const submit = async (event: Event) => {
    event.preventDefault();
    const label = input.value.trim();
    if (!label) return;
    setBusy(true);
    try {
      await props.onSave(label);
      input.value = '';
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="inline-form" onSubmit={(e) => void submit(e)}>
      <input ref={input} class="input" name="label" maxLength={100} placeholder="Name this state, e.g. Before the kernel switch" aria-label="Version name" required />
      <button type="submit" class="button button--small" disabled={busy()}>
        Save version
      </button>
    </form>
  );
}

export function VersionList(props: { api: HistoryApi; center: ReviewCenter; canEdit: boolean }): JSX.Element {
  const { center } = props;
  const configId = center.session.configId;
  const schema = center.session.schema;
  let disposed = false;
  const [versions, setVersions] = createSignal<VersionMeta[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [note, setNote] = createSignal<{ text: string; error: boolean } | null>(null);
  const [comparing, setComparing] = createSignal<{ version: VersionMeta; diff: DiffEntry[] | null } | null>(null);
  const [confirming, setConfirming] = createSignal<string | null>(null);
  const [restoring, setRestoring] = createSignal<string | null>(null);

  const load = async () => {
    try {
      const list = await props.api.versions(configId);
      if (!disposed) setVersions(list);
    } catch (e) {
      if (!disposed) setNote({ text: `The versions could not be loaded: ${message(e)}`, error: true });
    } finally {
      if (!disposed) setLoaded(true);
    }
  };
  const loadDiff = async (version: VersionMeta) => {
    try {
      const diff = await props.api.diff(configId, version.id, 'current');
      if (!disposed && comparing()?.version.id === version.id) setComparing({ version, diff });
    } catch (e) {
      if (!disposed) setNote({ text: `The comparison failed: ${message(e)}`, error: true });
    }
  };
  void load();
  createEffect(on(center.resyncs, () => void load(), { defer: true }));
  onCleanup(() => {
    disposed = true;
  });
  onCleanup(
    center.onHistoryEvent((event) => {
      if (event.type === 'version' && event.action === 'created') {
        setVersions((list) => [event.version, ...list.filter((v) => v.id !== event.version.id)]);
      } else if (event.type === 'version' && event.action === 'restored') {
        const what = event.path ? `${fieldTitle(schema, event.path)} from` : 'every field and the notes from';
        setNote({ text: `${event.by.name} restored ${what} “${event.label}” (${event.changes.length} changed).`, error: false });
      }
    }),
  );
  // "Compare with now" stays true to now while people edit.
  onCleanup(
    center.onEditsSettled(() => {
      const current = comparing();
      if (current) void loadDiff(current.version);
    }),
  );

  const save = async (label: string) => {
    try {
      const version = await props.api.saveVersion(configId, label);
      setVersions((list) => [version, ...list.filter((v) => v.id !== version.id)]);
      setNote({ text: `Saved “${version.label}”.`, error: false });
    } catch (e) {
      setNote({ text: `Not saved: ${message(e)}`, error: true });
      throw e;
    }
  };
  const compare = (version: VersionMeta) => {
    setConfirming(null);
    setComparing({ version, diff: null });
    void loadDiff(version);
  };
  const restore = async (version: VersionMeta, path?: string) => {
    setRestoring(path ?? version.id);
    try {
      const result = await props.api.restore(configId, version.id, path);
      const what = path ? fieldTitle(schema, path) : `${result.changes.length} field${result.changes.length === 1 ? '' : 's'}`;
      setNote({ text: `Restored ${what} from “${version.label}”.`, error: false });
      setConfirming(null);
      if (comparing()) void loadDiff(version);
    } catch (e) {
      setNote({ text: `Not restored: ${message(e)}`, error: true });
    } finally {
      setRestoring(null);
    }
  };

  return (
    <div class="versions" data-testid="versions">
      <Show when={props.canEdit && !comparing()}>
        <SaveVersion onSave={save} />
      </Show>
      <Show when={note()}>
        {(n) => (
          <p class="history-note" classList={{ 'history-note--error': n().error }} role="status">
            {n().text}
          </p>
        )}
      </Show>
      <Show
        when={comparing()}
        fallback={
          <Show when={versions().length > 0} fallback={<p class="panel-empty">{loaded() ? 'No versions yet. Save one to keep this state under a name.' : 'Loading versions…'}</p>}>
            <ul class="version-list" aria-label="Versions, newest first">
              <For each={versions()}>
                {(version) => (
                  <li class="version" data-version={version.id}>
                    <div class="version-main">
                      <span class="version-label">{version.label}</span>
                      <Show when={KIND_WORDS[version.kind]}>{(kind) => <span class="badge">{kind()}</span>}</Show>
                      <span class="version-meta muted">
                        {version.createdBy.name} ·{' '}
                        <time dateTime={version.createdAt} title={new Date(version.createdAt).toLocaleString()}>
                          {relativeTime(version.createdAt, center.now())}
                        </time>{' '}
                        · <code title={`Content hash ${version.contentHash}`}>{version.contentHash.slice(0, 10)}</code>
                      </span>
                    </div>
                    <div class="version-actions">
                      <button type="button" class="button button--small" onClick={() => compare(version)}>
                        Compare with now
                      </button>
                      <Show when={props.canEdit}>
                        <Show
                          when={confirming() === version.id}
                          fallback={
                            <button type="button" class="button button--small" onClick={() => setConfirming(version.id)}>
                              Restore…
                            </button>
                          }
                        >
                          <span class="confirm" role="group" aria-label="Confirm restore">
                            <button type="button" class="button button--small button--danger" disabled={!!restoring()} onClick={() => void restore(version)}>
                              {restoring() === version.id ? 'Restoring…' : 'Restore every field and the notes'}
                            </button>
                            <button type="button" class="button button--small" onClick={() => setConfirming(null)}>
                              Cancel
                            </button>
                          </span>
                        </Show>
                      </Show>
                    </div>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        }
      >
        {(current) => (
          <div class="compare" data-testid="version-compare">
            <div class="compare-head">
              <button type="button" class="button button--small" onClick={() => setComparing(null)}>
                ← Versions
              </button>
              <span class="compare-title">
                “{current().version.label}” <span class="muted">→ now</span>
              </span>
            </div>
            <Show when={current().diff} fallback={<p class="panel-empty">Comparing…</p>}>
              {(diff) => (
                <DiffView
                  entries={diff()}
                  schema={schema}
                  empty="No differences: the configuration and its notes are as they were in this version."
                  onRestoreField={props.canEdit ? (entry) => void restore(current().version, entry.path) : undefined}
                  restoring={restoring()}
                  testId="version-diff"
                />
              )}
            </Show>
          </div>
        )}
      </Show>
    </div>
  );
}
