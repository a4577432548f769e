/**
 * The workspace's panels and the layout a new user starts with. A new panel: add its type and
 * title here and its component in `panels.tsx`.
 */
import type { LayoutConfig } from 'golden-layout';

export const PANEL_TITLES = {
  configurations: 'Configurations',
  form: 'Form',
  notes: 'Notes',
  problems: 'Problems',
  json: 'JSON',
  participants: 'Participants',
  builds: 'Builds',
  review: 'Review',
  history: 'History',
  files: 'Files',
  kernel: 'Kernel',
} as const;

export type PanelType = keyof typeof PANEL_TITLES;

/** Kinds that make sense twice side by side, each with its own state (panel-instance.ts): two
 * Forms on different sections, two Histories on different fields. The Panels menu offers
 * "Another … panel" for these. */
export const MULTI_INSTANCE_PANELS: readonly PanelType[] = ['form', 'history'];

export function isPanelType(value: unknown): value is PanelType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(PANEL_TITLES, value);
}

const component = (type: PanelType, size?: { width?: number; height?: number }) => ({
  type: 'component' as const,
  componentType: type,
  title: PANEL_TITLES[type],
  ...size,
});

/** Configurations and people on the left, the form in the middle, notes and checks on the right.
 * Builds and Review share the checks' stack (pressing Build brings its tab to the front); History
 * shares the notes' stack, where a field's history button brings it forward. Every stack keeps
 * at least ~400 px of height on a 1440×900 screen. */
export function defaultLayout(): LayoutConfig {
  return {
    settings: { showPopoutIcon: false, showMaximiseIcon: true, showCloseIcon: true, reorderEnabled: true },
    dimensions: { headerHeight: 28, borderWidth: 4 },
    header: { popout: false },
    root: {
      type: 'row',
      content: [
        {
          type: 'column',
          width: 19,
          content: [component('configurations', { height: 62 }), component('participants', { height: 38 })],
        },
        component('form', { width: 47 }),
        {
          type: 'column',
          width: 34,
          content: [
            { type: 'stack', height: 52, content: [component('problems'), component('json'), component('builds'), component('review')] },
            { type: 'stack', height: 48, content: [component('notes'), component('history')] },
          ],
        },
      ],
    },
  };
}
