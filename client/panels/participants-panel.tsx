/** Everyone in the configuration, and where each of them is. */
import { For, type JSX } from 'solid-js';
import { parsePointer } from '../../shared/json-pointer.ts';
import { titleAt } from '../../shared/schema/schema-path.ts';
import type { ConfigSession } from '../session/config-session.ts';
import { initials, peopleOf, type Participant } from '../session/presence.ts';
import type { PanelProps } from '../workspace/panels.tsx';
import { SessionGate } from './session-gate.tsx';

function whereIs(session: ConfigSession, p: Participant): string {
  if (p.focusPath) {
    try {
      return `on ${titleAt(session.schema, parsePointer(p.focusPath))}`;
    } catch {
      return 'on an unknown field';
    }
  }
  return p.inNotes ? 'in the notes' : 'viewing';
}

export function Avatar(props: { participant: Participant; size?: 'small' }): JSX.Element {
  return (
    <span
      class="avatar"
      classList={{ 'avatar--small': props.size === 'small' }}
      style={{ 'background-color': props.participant.color }}
      title={props.participant.name + (props.participant.isLocal ? ' (you)' : '')}
      aria-hidden="true"
    >
      {initials(props.participant.name)}
    </span>
  );
}

export function ParticipantsPanel(props: PanelProps): JSX.Element {
  return (
    <div class="panel panel--participants">
      <SessionGate ctx={props.ctx} eager>
        {({ session }) => (
          <ul class="participants" aria-label="Participants">
            <For each={peopleOf(session.participants())}>
              {(p) => (
                <li class="participant" data-user={p.userId}>
                  <Avatar participant={p} />
                  <span class="participant-name">
                    {p.name}
                    {p.isLocal ? ' (you)' : ''}
                    {p.tabs > 1 ? <span class="muted"> · {p.tabs} tabs</span> : ''}
                  </span>
                  <span class="participant-where muted">{whereIs(session, p)}</span>
                </li>
              )}
            </For>
          </ul>
        )}
      </SessionGate>
    </div>
  );
}
