/**
 * The workspace's panels and the layout a new user starts with. Build, History and Review panels
 * join here in their own issues: add the type, its title and its component in `panels.tsx`.
 */
import type { LayoutConfig } from 'golden-layout';

export const PANEL_TITLES = {
  configurations: 'Configurations',
  form: 'Form',
  notes: 'Notes',
  problems: 'Problems',
  json: 'JSON',
  participants: 'Participants',
} as const;

export type PanelType = keyof typeof PANEL_TITLES;

export function isPanelType(value: unknown): value is PanelType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(PANEL_TITLES, value);
}

const component = (type: PanelType, size?: { width?: number; height?: number }) => ({
  type: 'component' as const,
  componentType: type,
  title: PANEL_TITLES[type],
  ...size,
});

/** Configurations and people on the left, the form in the middle, notes and checks on the right. */
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
            { type: 'stack', height: 52, content: [component('problems'), component('json')] },
            component('notes', { height: 48 }),
          ],
        },
      ],
    },
  };
}
