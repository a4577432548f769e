/**
 * Deleting the open configuration (owners): asks once more, says where it goes (the trash, for
 * the retention period) and leaves the configuration once it is gone.
 */
import type { JSX } from 'solid-js';
import { ConfirmButton } from '../app/confirm-button.tsx';

export function DeleteConfig(props: { name: string; onDelete: () => Promise<void> }): JSX.Element {
  return (
    <span class="config-delete">
      <ConfirmButton
        label="Delete…"
        labelFor={`Delete ${props.name}`}
        triggerClass="link-button"
        question={`Delete ${props.name}?`}
        note="Move to the trash? Everyone loses access; you can restore it from Trash."
        action="Move to trash"
        testId="confirm-delete"
        onConfirm={props.onDelete}
      />
    </span>
  );
}
