/** Which component renders which panel type; unknown types (from a newer layout) say so. Each
 * panel gets the app context (with the open configuration's container) and its own instance
 * (id, state, title: panel-instance.ts). */
import type { JSX } from 'solid-js';
import type { AppContext } from '../app/app-context.ts';
import { BuildsPanel } from '../panels/builds-panel.tsx';
import { ConfigurationsPanel } from '../panels/configurations-panel.tsx';
import { FilesPanel } from '../panels/files-panel.tsx';
import { FormPanel } from '../panels/form-panel.tsx';
import { HistoryPanel } from '../panels/history-panel.tsx';
import { JsonPanel } from '../panels/json-panel.tsx';
import { KernelPanel } from '../kernel/kernel-panel.tsx';
import { NotesPanel } from '../panels/notes-panel.tsx';
import { ParticipantsPanel } from '../panels/participants-panel.tsx';
import { ProblemsPanel } from '../panels/problems-panel.tsx';
import { ReviewPanel } from '../panels/review-panel.tsx';
import type { PanelInstance } from './panel-instance.ts';
import type { PanelType } from './panel-types.ts';

export interface PanelProps {
  ctx: AppContext;
  panel: PanelInstance;
}

const PANELS: Record<PanelType, (props: PanelProps) => JSX.Element> = {
  configurations: ConfigurationsPanel,
  form: FormPanel,
  notes: NotesPanel,
  problems: ProblemsPanel,
  json: JsonPanel,
  participants: ParticipantsPanel,
  builds: BuildsPanel,
  review: ReviewPanel,
  history: HistoryPanel,
  files: FilesPanel,
  kernel: KernelPanel,
};

export function Panel(props: { type: string } & PanelProps): JSX.Element {
  const Component = PANELS[props.type as PanelType];
  if (!Component) return <p class="panel-empty">This panel ({props.type}) is not available in this version.</p>;
  return <Component ctx={props.ctx} panel={props.panel} />;
}
