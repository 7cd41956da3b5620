/** The application's state as people read it. */
import { LEGAL_DEADLINE, parseDeadlineId } from '../ids.js';
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
    /** Where and when the administration answered, when a step stopped the deadline before the application closed (language 2). */
    met?: { at: string; step: string; late: boolean };
  } = {
    dueAt: d.projection.dueAt,
    dueDate: d.projection.dueDate,
    paused: d.projection.paused,
    expired: d.ledger.some((e) => e.type === 'expired'),
    explanation: d.projection.explanation,
    ledger: d.ledger,
  };
  if (d.extension) view.extension = { maxCount: d.extension.maxCount, units: d.extension.units };
  const met = d.ledger.find((e) => e.type === 'met');
  if (met?.type === 'met') view.met = { at: met.at, step: met.step, late: met.late };
  return view;
}

/** Where a clock stands: waiting for its date, running, met (on time or late), expired, or stopped by the application's close. */
export type ClockStatus = 'waitingForDate' | 'running' | 'met' | 'metLate' | 'expired' | 'stopped';

/** The application's named clocks as people read them, in the order they started. */
export function clockViews(state: ApplicationState) {
  return Object.values(state.deadlines)
    .filter((d) => d.kind === 'clock')
    .map((d) => {
      const key = parseDeadlineId(d.id);
      const id = key?.kind === 'clock' ? key.clockId : d.id;
      const met = d.ledger.find((e) => e.type === 'met');
      const expired = d.ledger.some((e) => e.type === 'expired');
      const status: ClockStatus = met ? (met.late ? 'metLate' : 'met') : expired ? 'expired' : d.done ? 'stopped' : d.projection ? 'running' : 'waitingForDate';
      return {
        id,
        label: d.label ?? { ar: id, fr: id, en: id },
        status,
        dueAt: d.projection?.dueAt ?? null,
        dueDate: d.projection?.dueDate ?? null,
        explanation: d.projection?.explanation ?? [],
        ledger: d.ledger,
      };
    });
}
