/**
 * The schema-driven form: sections in build order, each field bound to its own pointer. A field
 * re-renders when its value, its condition inputs, its options' inputs or its issues change —
 * never because another field did.
 */
import { createEffect, createMemo, For, Match, on, onCleanup, onMount, Show, Switch, type JSX } from 'solid-js';
import type { ValidationIssue } from '../../shared/validation/issue.ts';
import { conditionInputs, fieldVisibility, formSections, isRequired } from '../form/form-model.ts';
import { issuesByField } from '../form/issues.ts';
import type { ConfigSession } from '../session/config-session.ts';
import { dataSignal } from '../session/field-signals.ts';
import { BoardPicker } from './board-picker.tsx';
import { controlIdFor, type FieldProps } from './field-props.ts';
import { FieldRow } from './field-row.tsx';
import { MultiSelectField, TagsField } from './list-fields.tsx';
import { SelectField } from './select-field.tsx';
import { TextAreaField } from './text-area-field.tsx';
import { NumberField, TextField } from './text-field.tsx';
import { ToggleField } from './toggle-field.tsx';
import { trackSection } from './section-position.ts';

/** Name of the performance mark set when the form first shows a synced configuration. */
export const FORM_INTERACTIVE_MARK = 'boardroom:form-interactive';

const GROUP_WIDGETS = new Set(['toggle', 'multi-select', 'tags']);

function sameIssues(a: ValidationIssue[], b: ValidationIssue[]): boolean {
  return a.length === b.length && a.every((x, i) => x.path === b[i].path && x.message === b[i].message && x.severity === b[i].severity);
}

function Widget(props: FieldProps): JSX.Element {
  return (
    <Switch fallback={<TextField {...props} />}>
      <Match when={props.schema['x-widget'] === 'board-picker'}>
        <BoardPicker {...props} />
      </Match>
      <Match when={props.schema['x-widget'] === 'select'}>
        <SelectField {...props} />
      </Match>
      <Match when={props.schema['x-widget'] === 'toggle'}>
        <ToggleField {...props} />
      </Match>
      <Match when={props.schema['x-widget'] === 'number'}>
        <NumberField {...props} />
      </Match>
      <Match when={props.schema['x-widget'] === 'tags'}>
        <TagsField {...props} />
      </Match>
      <Match when={props.schema['x-widget'] === 'multi-select'}>
        <MultiSelectField {...props} />
      </Match>
      <Match when={props.schema['x-widget'] === 'code' || props.schema['x-widget'] === 'textarea'}>
        <TextAreaField {...props} />
      </Match>
    </Switch>
  );
}

function Field(props: { session: ConfigSession; property: string; issues: () => Map<string, ValidationIssue[]>; panelId?: string }): JSX.Element {
  const { session, property } = props;
  const schema = session.schema.properties[property];
  const inputs = dataSignal(session.fields, [...conditionInputs(session.schema, property), property]);
  const visibility = createMemo(() => (schema['x-when'] || schema.deprecated ? fieldVisibility(session.schema, inputs(), property) : 'shown'));
  const issues = createMemo(() => props.issues().get(`/${property}`) ?? [], [], { equals: sameIssues });
  const controlId = controlIdFor(session.configId, property, props.panelId);
  return (
    <Show when={visibility() !== 'hidden'}>
      <FieldRow
        session={session}
        property={property}
        schema={schema}
        required={isRequired(session.schema, property)}
        visibility={visibility()}
        issues={issues()}
        controlId={controlId}
        group={GROUP_WIDGETS.has(schema['x-widget'])}
      >
        <Widget
          session={session}
          property={property}
          schema={schema}
          controlId={controlId}
          describedBy={`${controlId}-help`}
          invalid={issues().some((i) => i.severity === 'error')}
        />
      </FieldRow>
    </Show>
  );
}

/** Focuses the control of `pointer` (or the nearest rendered field above it) and shows it. */
function focusPointer(root: HTMLElement, pointer: string): boolean {
  const segments = pointer.split('/');
  for (let n = segments.length; n > 1; n--) {
    const row = root.querySelector<HTMLElement>(`[data-pointer="${CSS.escape(segments.slice(0, n).join('/'))}"]`);
    if (!row) continue;
    const control = row.querySelector<HTMLElement>('input:not([type=radio]), select, textarea, input[type=radio]:checked, [tabindex="0"]');
    row.scrollIntoView({ block: 'center' });
    row.classList.remove('field--flash');
    void row.offsetWidth; // restart the flash animation
    row.classList.add('field--flash');
    control?.focus({ preventScroll: true });
    return true;
  }
  return false;
}

export interface FormViewProps {
  session: ConfigSession;
  /** This form's workspace panel id: focus requests addressed to another Form panel are not ours. */
  panelId?: string;
  /** The section to show first (this panel's saved state), and where to say which one is shown. */
  section?: string | null;
  onSection?: (id: string) => void;
}

export function FormView(props: FormViewProps): JSX.Element {
  const { session } = props;
  const sections = formSections(session.schema);
  const issues = createMemo(() => issuesByField(session.validation().result));
  const sectionHeadingId = (id: string) => (props.panelId ? `section-${props.panelId}-${id}` : `section-${id}`);
  let root!: HTMLDivElement;

  createEffect(
    on(session.focusRequest, (request) => {
      if (request && (request.target === null || props.panelId === undefined || request.target === props.panelId)) focusPointer(root, request.pointer);
    }),
  );
  onMount(() => {
    if (performance.getEntriesByName(FORM_INTERACTIVE_MARK).length === 0) performance.mark(FORM_INTERACTIVE_MARK);
    root.dataset.ready = 'true';
    if (props.onSection) onCleanup(trackSection(root, props.section ?? null, props.onSection));
  });

  return (
    <div class="form" ref={root} data-testid="config-form">
      <Show when={!session.may('edit') && (session.connection() === 'closed' || session.role() !== null)}>
        <p class="notice notice--info" role="status">
          {session.connection() === 'closed'
            ? `${session.closeReason() ?? 'Disconnected'}: the form is read-only until you reconnect.`
            : `You are a ${session.role()} here: the form is read-only.`}
        </p>
      </Show>
      {/* A disabled fieldset disables every control inside it, keyboard included. */}
      <fieldset class="form-fieldset" disabled={!session.may('edit')}>
        <For each={sections}>
          {(section) => (
            <section class="form-section" aria-labelledby={sectionHeadingId(section.info.id)} data-section={section.info.id}>
              <header class="form-section-header">
                <h2 id={sectionHeadingId(section.info.id)}>{section.info.title}</h2>
                <p>{section.info.description}</p>
              </header>
              <For each={section.properties}>{(property) => <Field session={session} property={property} issues={issues} panelId={props.panelId} />}</For>
            </section>
          )}
        </For>
      </fieldset>
    </div>
  );
}
