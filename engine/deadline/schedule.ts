/**
 * A deadline's schedule: what the shell arms timers on — the due instant, its explanation and the
 * instants of the warning rungs — computed from the deadline's ledger on a calendar. The workflow runs
 * this in a local activity (so the result is in the history and replay never depends on a calendar that
 * changed since); the simulator calls it directly. Histories and the state keep the older word: the
 * local activity is `projectDeadline`, a deadline's schedule is its `projection`, a filing's prefetched
 * schedules are `filingProjections` (the glossary, docs/glossary.md).
 */
import type { Budget, WarningRung } from '../definition.generated.js';
import type { Calendar } from '../calendar.js';
import { computeDeadline, type DeadlineComputation } from './computation.js';
import { computeRelativeDeadline, type Direction } from './relative.js';
import { rescheduleDeadline } from './rescheduling.js';
import { warningInstant } from './warnings.js';
import type { LedgerEntry } from './ledger.js';

export interface DeadlineSchedule {
  dueAt: string;
  dueDate: string;
  dueInstantMs: number;
  /** Null while paused: a paused deadline never expires. */
  expiresAtMs: number | null;
  paused: boolean;
  explanation: string[];
  calendar: { id: string; version: number };
  /** When each warning rung fires (null while paused). */
  rungs: Array<number | null>;
  /** Set when a calendar change moved the due instant. */
  movedBy?: string[];
  /** Set when the count ran past the calendar's horizon (the explanation says so too). */
  beyondHorizon?: true;
}

export interface DeadlineScheduleRequest {
  budget: Budget;
  ledger: LedgerEntry[];
  warnings: WarningRung[];
  /** The calendar version of the previous schedule: a different current version may have moved it. */
  previousCalendarVersion?: number;
  /**
   * The budget counts before or after the date of the ledger's last `dated` entry (a clock or a wait on
   * a date in the data), not from the deadline's start. Absent from every request made before clocks.
   */
  relative?: Direction;
}

function schedule(computed: DeadlineComputation, warnings: WarningRung[], calendar: Calendar): DeadlineSchedule {
  return {
    dueAt: computed.dueAt,
    dueDate: computed.dueDate,
    dueInstantMs: computed.dueInstantMs,
    expiresAtMs: computed.expiresAtMs,
    paused: computed.paused,
    explanation: computed.explanation,
    calendar: { id: calendar.id, version: calendar.version },
    rungs: warnings.map((w) => warningInstant(w.before, computed, calendar)?.atMs ?? null),
    ...(computed.beyondHorizon ? { beyondHorizon: true as const } : {}),
  };
}

export function scheduleDeadline(
  request: DeadlineScheduleRequest,
  calendar: Calendar,
  previousCalendar?: Calendar,
): DeadlineSchedule {
  const { budget, ledger, relative } = request;
  const compute = (on: Calendar) => (relative ? computeRelativeDeadline(budget, relative, ledger, on) : computeDeadline(budget, ledger, on));
  if (previousCalendar && previousCalendar.version !== calendar.version) {
    const change = rescheduleDeadline(budget, ledger, previousCalendar, calendar, {}, compute);
    return {
      ...schedule(change.after, request.warnings, calendar),
      ...(change.moved ? { movedBy: change.description } : {}),
    };
  }
  return schedule(compute(calendar), request.warnings, calendar);
}
