/** What every field widget receives. */
import type { PropertySchema } from '../../shared/schema/types.ts';
import type { ConfigSession } from '../session/config-session.ts';

export interface FieldProps {
  session: ConfigSession;
  property: string;
  schema: PropertySchema;
  /** id of the widget's main control, for the row's <label for>. */
  controlId: string;
  /** ids of the description and issue texts, for aria-describedby. */
  describedBy: string;
  invalid: boolean;
}

/** A DOM id for a property's control; property names are identifiers, so this stays valid. Two
 * Form panels of one configuration show the same field twice: `panelId` keeps their ids apart, so
 * each label points at its own form's control. */
export function controlIdFor(configId: string, property: string, panelId?: string): string {
  return `f-${configId.replace(/[^a-zA-Z0-9_-]/g, '')}${panelId ? `-${panelId.replace(/[^a-zA-Z0-9_-]/g, '')}` : ''}-${property}`;
}
