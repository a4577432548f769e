/**
 * One row of the form: label, the widget, the description, inline issues and the coloured
 * markers of other people who have this field focused. The row reports focus to awareness. Its
 * one Tab stop is the widget; its actions are a roving group behind Shift+F10 (field-actions.ts).
 */
import { createMemo, For, onMount, Show, useContext, type JSX } from 'solid-js';
import type { PropertySchema } from '../../shared/schema/types.ts';
import type { ValidationIssue } from '../../shared/validation/issue.ts';
import { describeCondition, type FieldVisibility } from '../form/form-model.ts';
import type { ConfigSession } from '../session/config-session.ts';
import { focusedOn } from '../session/presence.ts';
import { FieldAside } from '../review/field-aside.tsx';
import { FormDecorationsContext, useFollowedRow } from '../review/form-decorations.tsx';
import { FIELD_ACTION_ATTR, FIELD_ACTIONS_SHORTCUT, onFieldRowKey } from './field-actions.ts';

export interface FieldRowProps {
  session: ConfigSession;
  property: string;
  schema: PropertySchema;
  required: boolean;
  visibility: FieldVisibility;
  issues: ValidationIssue[];
  controlId: string;
  /** Widgets that are groups (radios, checkboxes, lists) label themselves with a fieldset legend. */
  group: boolean;
  children: JSX.Element;
}

export function FieldRow(props: FieldRowProps): JSX.Element {
  const pointer = `/${props.property}`;
  const markers = createMemo(() => focusedOn(props.session.participants(), pointer), undefined, {
    equals: (a, b) => a.length === b.length && a.every((p, i) => p.clientId === b[i].clientId && p.name === b[i].name && p.color === b[i].color),
  });
  const errors = () => props.issues.filter((i) => i.severity === 'error');
  const warnings = () => props.issues.filter((i) => i.severity === 'warning');
  const when = props.schema['x-when'];
  // The person you follow is on this field (Review panel → Follow).
  const followed = useFollowedRow(pointer);
  // The docs links join the roving group of actions; they keep their own Tab stop only where
  // nothing else would reach them (a read-only form without the comment and history buttons).
  const decorated = useContext(FormDecorationsContext) !== null;
  const linkTabIndex = () => (decorated || props.session.may('edit') ? -1 : undefined);
  const linkAction = { [FIELD_ACTION_ATTR]: '' };
  let row!: HTMLDivElement;
  onMount(() => row.querySelector('.field-control')?.querySelector('input, select, textarea')?.setAttribute('aria-keyshortcuts', FIELD_ACTIONS_SHORTCUT));

  const onFocusIn = () => props.session.setFocus(pointer);
  const onFocusOut = (event: FocusEvent) => {
    const next = event.relatedTarget as Node | null;
    // Moving to another field reports that field instead; only leaving the form clears focus.
    if (next && (event.currentTarget as HTMLElement).contains(next)) return;
    if (next instanceof Element && next.closest('[data-pointer]')) return;
    props.session.setFocus(null);
  };

  const label = () => (
    <>
      <span class="field-title">{props.schema.title}</span>
      <Show when={props.required}>
        <span class="field-required" title="Required for a build">*</span>
      </Show>
      <code class="field-key">{props.property}</code>
    </>
  );

  return (
    <div
      class="field"
      classList={{
        'field--dimmed': props.visibility === 'dimmed',
        'field--error': errors().length > 0,
        'field--warning': errors().length === 0 && warnings().length > 0,
        'field--remote': markers().length > 0,
        'field--followed': followed(),
      }}
      style={markers().length > 0 ? { '--marker-color': markers()[0].color } : undefined}
      data-pointer={pointer}
      data-field={props.property}
      ref={row}
      onKeyDown={(event) => onFieldRowKey(event, row)}
      onFocusIn={onFocusIn}
      onFocusOut={onFocusOut}
    >
      <div class="field-label">
        <Show when={!props.group} fallback={<span class="field-label-text" id={`${props.controlId}-label`}>{label()}</span>}>
          <label class="field-label-text" for={props.controlId} id={`${props.controlId}-label`}>
            {label()}
          </label>
        </Show>
        <FieldAside pointer={pointer} title={props.schema.title} />
        <Show when={markers().length > 0}>
          <span class="field-markers" data-testid="focus-markers">
            <For each={markers()}>
              {(p) => (
                <span class="focus-marker" style={{ 'background-color': p.color }} title={`${p.name} is on this field`}>
                  {p.name}
                </span>
              )}
            </For>
          </span>
        </Show>
      </div>
      <div class="field-control">
        {props.children}
        <Show when={props.visibility === 'dimmed' && when}>
          <p class="field-note">No effect unless {describeCondition(props.session.schema, when!)}.</p>
        </Show>
        <For each={errors()}>
          {(issue) => (
            <p class="field-issue field-issue--error" role="alert" data-path={issue.path}>
              {issue.message}
            </p>
          )}
        </For>
        <For each={warnings()}>
          {(issue) => (
            <p class="field-issue field-issue--warning" data-path={issue.path}>
              {issue.message}
            </p>
          )}
        </For>
        <p class="field-help" id={`${props.controlId}-help`}>
          {props.schema.description}
          <Show when={props.schema['x-unit']}> Unit: {props.schema['x-unit']}.</Show>
          <Show when={props.schema['x-docs'] ?? props.schema['x-source']}>
            <span class="field-links">
              <Show when={props.schema['x-docs']}>
                {(href) => (
                  <a class="link" href={href()} target="_blank" rel="noopener noreferrer" title={`Armbian documentation of ${props.property}`} tabIndex={linkTabIndex()} {...linkAction}>
                    Armbian docs
                  </a>
                )}
              </Show>
              <Show when={props.schema['x-source']}>
                {(href) => (
                  <a class="link" href={href()} target="_blank" rel="noopener noreferrer" title={`Where the Armbian framework reads ${props.property}`} tabIndex={linkTabIndex()} {...linkAction}>
                    framework source
                  </a>
                )}
              </Show>
            </span>
          </Show>
        </p>
      </div>
    </div>
  );
}
