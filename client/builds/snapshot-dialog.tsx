/**
 * "Open the exact configuration this build used": the frozen snapshot the builder ran on, as the
 * server stored it with the build (not the live document, not a diff), read-only.
 */
import { createResource, Match, onCleanup, Switch, type JSX } from 'solid-js';
import type { BuildApi } from '../app/build-api.ts';
import { CopyButton } from '../app/copy-button.tsx';
import { ModalDialog } from '../app/modal-dialog.tsx';
import { shortHash } from './build-format.ts';

export function SnapshotDialog(props: { api: BuildApi; buildId: string; configName: string; onClose: () => void }): JSX.Element {
  const [snapshot] = createResource(() => props.buildId, (id) => props.api.snapshot(id));
  const text = () => JSON.stringify(snapshot()?.configJson ?? {}, null, 2);
  let blobUrl: string | null = null;
  const downloadUrl = () => {
    if (blobUrl) URL.revokeObjectURL(blobUrl);
    blobUrl = URL.createObjectURL(new Blob([text() + '\n'], { type: 'application/json' }));
    return blobUrl;
  };
  onCleanup(() => {
    if (blobUrl) URL.revokeObjectURL(blobUrl);
  });
  return (
    <ModalDialog
      title="The exact configuration this build used"
      subtitle={<p class="muted modal-subtitle">Frozen when the build was requested; later edits are not in it. Read-only.</p>}
      onClose={props.onClose}
      testId="build-snapshot"
      wide
    >
      <Switch>
        <Match when={snapshot.error}>
          <p class="field-issue field-issue--error" role="alert">
            {snapshot.error instanceof Error ? snapshot.error.message : 'The snapshot could not be loaded.'}
          </p>
        </Match>
        <Match when={snapshot()}>
          {(s) => (
            <>
              <dl class="facts">
                <dt>Content hash</dt>
                <dd>
                  <code title={s().contentHash} data-testid="snapshot-hash">
                    {s().contentHash}
                  </code>{' '}
                  <CopyButton value={s().contentHash} what="content hash" />
                </dd>
                <dt>Schema version</dt>
                <dd>{s().schemaVersion}</dd>
                <dt>Builder version</dt>
                <dd>{s().builderVersion}</dd>
              </dl>
              <div class="panel-toolbar snapshot-toolbar">
                <span class="muted">This is what was built · {Object.keys(s().configJson).length} settings</span>
                <span class="top-spacer" />
                <CopyButton value={text()} what="configuration JSON" />
                <a class="button button--small" href={downloadUrl()} download={`${props.configName || 'configuration'}-${shortHash(s().contentHash)}.json`}>
                  Download .json
                </a>
              </div>
              <pre class="json snapshot-json" tabindex="0" aria-label="Configuration JSON this build used" data-testid="snapshot-json">
                {text()}
              </pre>
            </>
          )}
        </Match>
        <Match when={snapshot.loading}>
          <p class="panel-empty" aria-busy="true">
            Loading the snapshot…
          </p>
        </Match>
      </Switch>
    </ModalDialog>
  );
}
