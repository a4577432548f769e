/** The Share dialog (owner only): who has access (and, for an organisation's configuration, where
 * it comes from: direct, teams, the organisation), the links that give it, and the webhooks that
 * tell other systems what happens to the configuration. */
import { createSignal, Show, type JSX } from 'solid-js';
import type { AccessApi } from '../app/access-api.ts';
import type { WebhooksApi } from '../app/webhooks-api.ts';
import { ModalDialog } from '../app/modal-dialog.tsx';
import { AccessSourcesSection } from './access-sources-section.tsx';
import { LinksSection } from './links-section.tsx';
import { MembersSection } from './members-section.tsx';
import { WebhooksSection } from './webhooks-section.tsx';

export function ShareDialog(props: {
  api: AccessApi;
  /** Null when the person may not manage webhooks (`may('manageWebhooks')`). */
  webhooks: WebhooksApi | null;
  configId: string;
  configName: string;
  selfId: string | null;
  onClose: () => void;
}): JSX.Element {
  // People and "where access comes from" show the same grants: a change in one reloads the other.
  const [revision, setRevision] = createSignal(0);
  const changed = () => setRevision((n) => n + 1);
  return (
    <ModalDialog
      title={`Share “${props.configName || 'this configuration'}”`}
      subtitle={<p class="muted modal-subtitle">Changes take effect at once: people who lose access are disconnected.</p>}
      onClose={props.onClose}
      testId="share-dialog"
      wide
    >
      <MembersSection api={props.api} configId={props.configId} selfId={props.selfId} revision={revision} onChanged={changed} />
      <AccessSourcesSection api={props.api} configId={props.configId} revision={revision} onChanged={changed} />
      <LinksSection api={props.api} configId={props.configId} />
      <Show when={props.webhooks}>{(webhooks) => <WebhooksSection api={webhooks()} configId={props.configId} />}</Show>
    </ModalDialog>
  );
}
