/**
 * The due instant of a deadline: a pure function of its budget (budget.ts), its ledger (ledger.ts) and the
 * calendar, counted as counting.ts says, with the explanation a citizen reads (explanation.ts). When its
 * warning rungs fire is in warnings.ts; what a calendar change does to it, in rescheduling.ts.
 */
import { addCalendarDays, calendarHorizon, formatInstant, isWorkingDay, localDateOf, type Calendar, type LocalDate } from '../calendar.js';
import { countsEveryDay, readBudget, type DeadlineBudget, type ReadBudget } from './budget.js';
import {
  anchorMs,
  countDueDate,
  daysToCount,
  excludedBy,
  foldLedger,
  instantOf,
  isOpen,
  totalUnits,
  type Fold,
  type OpenOrClosedPause,
  type PauseSpan,
} from './counting.js';
import { explain } from './explanation.js';
import type { DeadlineLedger } from './ledger.js';

export interface DeadlineComputation {
  /** The due instant, ISO 8601 with the zone's offset: `2026-04-14T23:59:59.999+01:00`. */
  dueAt: string;
  /** The local date of the due instant. */
  dueDate: LocalDate;
  dueInstantMs: number;
  /**
   * The clock is stopped. `dueAt` is then provisional: the due instant if the pause ended on
   * `options.asOf`'s local date (by default the pause date, the earliest it can end).
   */
  paused: boolean;
  /** When the deadline expires if nothing else happens; null while paused, since a paused deadline never expires. */
  expiresAtMs: number | null;
  /** The ledger records the expiry. */
  expired: boolean;
  /** The instant counting runs from (the start, or the last restart) and its local date. */
  countsFrom: { at: string; date: LocalDate };
  budget: DeadlineBudget;
  /** Units added by extensions, in the budget's unit. */
  extendedBy: number;
  /** Days (or, for a duration, milliseconds) still to run when the open pause began; calendar months count as their days. */
  remainingAtPause?: number;
  pauses: PauseSpan[];
  calendar: { id: string; version: number; zone: string };
  /**
   * Days were counted past the calendar's horizon, where its Islamic holidays are not known yet: the
   * due date may move when they are added. Never set for an exact duration, which no holiday changes.
   */
  beyondHorizon: boolean;
  /** In English, for the citizen: how the due date was reached. */
  explanation: string[];
}

export interface ComputeOptions {
  /** For a paused deadline: compute the due instant as if the pause ended on this instant's local date. */
  asOf?: string;
}

/**
 * The due instant of a deadline: a pure function of its budget, its ledger and the calendar, with the
 * explanation of how it was reached.
 */
export function computeDeadline(
  budget: DeadlineBudget,
  ledger: DeadlineLedger,
  calendar: Calendar,
  options: ComputeOptions = {},
): DeadlineComputation {
  const read = readBudget(budget);
  const zone = calendar.zone;
  const fold = foldLedger(read, ledger, calendar);
  const paused = isOpen(fold);
  const asOfMs = options.asOf === undefined ? undefined : instantOf(options.asOf, zone, 'asOf');
  const count = countDueDate(read, fold, calendar, paused ? asOfMs : undefined);
  const startMs = anchorMs(fold);
  const remainingAtPause = paused ? remainingWhenPaused(read, fold, calendar) : undefined;
  const computation: DeadlineComputation = {
    dueAt: formatInstant(count.dueMs, zone),
    dueDate: count.dueDate,
    dueInstantMs: count.dueMs,
    paused,
    expiresAtMs: paused ? null : count.dueMs,
    expired: fold.expiredAtMs !== undefined,
    countsFrom: { at: formatInstant(startMs, zone), date: localDateOf(startMs, zone) },
    budget,
    extendedBy: fold.extensions.reduce((sum, e) => sum + e.units, 0),
    pauses: count.spans,
    calendar: { id: calendar.id, version: calendar.version, zone },
    beyondHorizon: read.unit !== 'duration' && isPastHorizon(count.dueDate, calendar),
    explanation: [],
  };
  if (remainingAtPause !== undefined) computation.remainingAtPause = remainingAtPause;
  computation.explanation = explain(read, fold, count, calendar, computation);
  return computation;
}

/** Whether the date lies past the last date the calendar covers. */
function isPastHorizon(date: LocalDate, calendar: Calendar): boolean {
  const horizon = calendarHorizon(calendar);
  return horizon !== undefined && date > horizon;
}

/** What is left to run at the start of the open pause: the days (or time) counted before it are spent. */
function remainingWhenPaused(budget: ReadBudget, fold: Fold, calendar: Calendar): number {
  const open = fold.pauses[fold.pauses.length - 1] as OpenOrClosedPause;
  const zone = calendar.zone;
  const startMs = anchorMs(fold);
  const startDate = localDateOf(startMs, zone);
  const total = budget.unit === 'duration' ? totalUnits(budget, fold) : daysToCount(budget, startDate, totalUnits(budget, fold));
  const before = fold.pauses.slice(0, -1);
  if (budget.unit === 'duration') {
    const pausedMs = before.reduce(
      (sum, p) => sum + Math.max(0, (p.toMs ?? p.fromMs) - Math.max(p.fromMs, startMs)),
      0,
    );
    return Math.max(0, total - Math.max(0, open.fromMs - startMs - pausedMs));
  }
  const excluded = excludedBy(before.map((p) => ({ from: p.from, to: p.to ?? p.from, open: false, reason: p.reason })));
  let spent = 0;
  for (let d = addCalendarDays(startDate, 1); d < open.from; d = addCalendarDays(d, 1)) {
    if (excluded(d)) continue;
    if (countsEveryDay(budget.unit) || isWorkingDay(d, calendar)) spent++;
  }
  return Math.max(0, total - spent);
}
