/** The application's state as people read it. */
import { LEGAL_DEADLINE } from '../ids.js';
import type { ApplicationState } from './state.js';

/** The legal deadline as people read it, or undefined before it starts. */
export function legalDeadlineView(state: ApplicationState) {
  const d = state.deadlines[LEGAL_DEADLINE];
  if (!d?.projection) return undefined;
  const view: {
    dueAt: string;
    dueDate: string;
    paused: boolean;
    expired: boolean;
    explanation: string[];
    ledger: typeof d.ledger;
    /** How far an agent may extend it, when the variant chosen at filing has its own extension (language 2). */
    extension?: { maxCount: number; units: number };
  } = {
    dueAt: d.projection.dueAt,
    dueDate: d.projection.dueDate,
    paused: d.projection.paused,
    expired: d.ledger.some((e) => e.type === 'expired'),
    explanation: d.projection.explanation,
    ledger: d.ledger,
  };
  if (d.extension) view.extension = { maxCount: d.extension.maxCount, units: d.extension.units };
  return view;
}
