/** A build's artifacts: download links with size and sha256 (copyable), and when they expire. */
import { For, Show, type JSX } from 'solid-js';
import type { BuildApi, BuildArtifactInfo } from '../app/build-api.ts';
import { CopyButton } from '../app/copy-button.tsx';
import { formatSize, shortHash } from './build-format.ts';

export function ArtifactList(props: { api: BuildApi; buildId: string; artifacts: readonly BuildArtifactInfo[]; streaming: boolean }): JSX.Element {
  return (
    <Show
      when={props.artifacts.length > 0}
      fallback={<p class="panel-empty">{props.streaming ? 'Artifacts appear here as the builder stores them.' : 'This build stored no artifacts.'}</p>}
    >
      <section class="artifacts" aria-label="Artifacts">
        <table class="artifact-table" data-testid="artifacts">
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Size</th>
              <th scope="col">SHA-256</th>
            </tr>
          </thead>
          <tbody>
            <For each={[...props.artifacts].sort((a, b) => a.name.localeCompare(b.name))}>
              {(a) => (
                <tr data-artifact={a.name}>
                  <td>
                    <a class="link" href={props.api.artifactUrl(props.buildId, a.name)} download={a.name} title={`Keep until ${new Date(a.expiresAt).toLocaleString()}`}>
                      {a.name}
                    </a>
                  </td>
                  <td class="num">{formatSize(a.size)}</td>
                  <td class="artifact-sha">
                    <code title={a.sha256} data-sha256={a.sha256}>
                      {shortHash(a.sha256)}…
                    </code>
                    <CopyButton value={a.sha256} what={`SHA-256 of ${a.name}`} class="icon-button icon-button--text" label="Copy" />
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </section>
    </Show>
  );
}
