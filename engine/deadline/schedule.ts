/**
 * Turns a deadline's ledger into what the shell arms timers on: the due instant, its explanation and
 * the instants of the warning rungs. The workflow runs this in a local activity (so the result is in
 * the history and replay never depends on a calendar that changed since); the simulator calls it directly.
 */
import type { Budget, WarningRung } from '../definition.generated.js';
import type { Calendar } from '../calendar.js';
import { computeDeadline, type DeadlineComputation } from './computation.js';
import { reprojectDeadline } from './rescheduling.js';
import { warningInstant } from './warnings.js';
import type { LedgerEntry } from './ledger.js';

export interface DeadlineProjection {
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
}

export interface DeadlineProjectionRequest {
  budget: Budget;
  ledger: LedgerEntry[];
  warnings: WarningRung[];
  /** The calendar version of the previous projection: a different current version may have moved it. */
  previousCalendarVersion?: number;
}

/** A filing's deadline projected by the API, sent with the workflow's input (engine/deadline/prefetched-schedules.ts). */
export interface PrefetchedProjection {
  /** Which deadline it is (the API sets the legal one as a search attribute at the start). */
  deadlineId: string;
  request: DeadlineProjectionRequest;
  projection: DeadlineProjection;
}

function projection(computed: DeadlineComputation, warnings: WarningRung[], calendar: Calendar): DeadlineProjection {
  return {
    dueAt: computed.dueAt,
    dueDate: computed.dueDate,
    dueInstantMs: computed.dueInstantMs,
    expiresAtMs: computed.expiresAtMs,
    paused: computed.paused,
    explanation: computed.explanation,
    calendar: { id: calendar.id, version: calendar.version },
    rungs: warnings.map((w) => warningInstant(w.before, computed, calendar)?.atMs ?? null),
  };
}

export function projectDeadline(
  request: DeadlineProjectionRequest,
  calendar: Calendar,
  previousCalendar?: Calendar,
): DeadlineProjection {
  if (previousCalendar && previousCalendar.version !== calendar.version) {
    const change = reprojectDeadline(request.budget, request.ledger, previousCalendar, calendar);
    return {
      ...projection(change.after, request.warnings, calendar),
      ...(change.moved ? { movedBy: change.description } : {}),
    };
  }
  return projection(computeDeadline(request.budget, request.ledger, calendar), request.warnings, calendar);
}
