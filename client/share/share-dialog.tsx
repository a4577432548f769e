/** The Share dialog (owner only): who has access, the links that give it, and the webhooks that
 * tell other systems what happens to the configuration. */
import { Show, type JSX } from 'solid-js';
import type { AccessApi } from '../app/access-api.ts';
import type { WebhooksApi } from '../app/webhooks-api.ts';
import { ModalDialog } from '../app/modal-dialog.tsx';
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
  return (
    <ModalDialog
      title={`Share “${props.configName || 'this configuration'}”`}
      subtitle={<p class="muted modal-subtitle">Changes take effect at once: people who lose access are disconnected.</p>}
      onClose={props.onClose}
      testId="share-dialog"
      wide
    >
      <MembersSection api={props.api} configId={props.configId} selfId={props.selfId} />
      <LinksSection api={props.api} configId={props.configId} />
      <Show when={props.webhooks}>{(webhooks) => <WebhooksSection api={webhooks()} configId={props.configId} />}</Show>
    </ModalDialog>
  );
}
