/**
 * Counting a deadline: its ledger folded into what the due instant depends on, then the days counted on
 * the calendar. The convention is Mohla's product decision, written in docs/legal-deadlines.md and
 * docs/procedure-language.md:
 *
 * - N working days from an instant: day 1 is the first working day strictly after the local date of that
 *   instant; the deadline is the end (23:59:59.999 local) of day N.
 * - N calendar days: the end of (local date + N days), rolled forward to the end of the next working day
 *   when that day is not worked, unless the budget says `rollForward: false`.
 * - N calendar months: the same, to the same day of the month N months on, or the last day of a shorter
 *   month (months.ts); a pause pushes it back one day for each day paused, as it does calendar days.
 * - An ISO duration: the exact instant, for internal service levels and tests.
 * - A pause: the days from the pause date through the resume date are not counted.
 * - A restart: the full budget counts again from the restart.
 * - An extension adds units to the budget (for a duration, language 2 records the exact span it adds).
 */
import {
  endOfLocalDay,
  firstCountedDayFrom,
  formatLocalDate,
  isWorkingDay,
  localDateOf,
  nthCountedDayAfter,
  parseInstant,
  type Calendar,
  type LocalDate,
} from '../calendar.js';
import { DAY_MS, invalid, MAX_MONTHS, MAX_UNITS, type ReadBudget } from './budget.js';
import { parseIsoDuration } from './duration.js';
import type { DeadlineLedger } from './ledger.js';
import { monthsAsDays } from './months.js';

/** A span of days that is not counted. */
export interface PauseSpan {
  from: LocalDate;
  /** The resume date; while the pause is open, the date the count assumes it ends. */
  to: LocalDate;
  open: boolean;
  reason: string;
}

export interface OpenOrClosedPause {
  fromMs: number;
  from: LocalDate;
  toMs?: number;
  to?: LocalDate;
  reason: string;
}

/** The ledger folded into what the due instant depends on. */
export interface Fold {
  startMs: number;
  restart?: { atMs: number; reason?: string };
  /** Pauses since the start or the last restart, the open one last. */
  pauses: OpenOrClosedPause[];
  /** `ms`: the exact span a language-2 extension of a duration budget adds; without it, each unit adds the whole budget. */
  extensions: { units: number; reason: string; ms?: number }[];
  /** Entries that came after the deadline had passed, in words. */
  ignored: { date: LocalDate; text: string }[];
  expiredAtMs?: number;
}

export interface DueDateCount {
  dueMs: number;
  dueDate: LocalDate;
  /** For calendar days and months: the last day counted, before any roll forward. */
  lastCountedDate: LocalDate;
  spans: PauseSpan[];
}

export function instantOf(text: string, zone: string, what: string): number {
  const ms = typeof text === 'string' ? parseInstant(text, zone) : undefined;
  if (ms === undefined) invalid(`${what}: "${String(text)}" is not an ISO 8601 instant`);
  return ms;
}

export function anchorMs(fold: Fold): number {
  return fold.restart?.atMs ?? fold.startMs;
}

export function totalUnits(budget: ReadBudget, fold: Fold): number {
  return fold.extensions.reduce((sum, e) => sum + extensionAmount(budget, e), budget.amount);
}

/** What one extension adds, in the budget's unit (milliseconds for a duration). */
export function extensionAmount(budget: ReadBudget, extension: Fold['extensions'][number]): number {
  if (budget.unit !== 'duration') return extension.units;
  // Language 1 read each unit of a duration budget as one whole budget; the ledger says when it is not so.
  return extension.ms ?? budget.amount * extension.units;
}

export function isOpen(fold: Fold): boolean {
  const last = fold.pauses[fold.pauses.length - 1];
  return last !== undefined && last.toMs === undefined;
}

export function excludedBy(spans: PauseSpan[]): (date: LocalDate) => boolean {
  return (date) => spans.some((s) => s.from <= date && date <= s.to);
}

/** The days a day-counted budget counts from `startDate`: its units, or the days its calendar months make. */
export function daysToCount(budget: ReadBudget, startDate: LocalDate, units: number): number {
  return budget.unit === 'months' ? monthsAsDays(startDate, units) : units;
}

export function countDueDate(budget: ReadBudget, fold: Fold, calendar: Calendar, resumeMs?: number): DueDateCount {
  const zone = calendar.zone;
  const startMs = anchorMs(fold);
  const units = totalUnits(budget, fold);
  const spans: PauseSpan[] = fold.pauses.map((p) => {
    const to = p.to ?? (resumeMs !== undefined && resumeMs > p.fromMs ? localDateOf(resumeMs, zone) : p.from);
    return { from: p.from, to: to < p.from ? p.from : to, open: p.toMs === undefined, reason: p.reason };
  });
  if (budget.unit === 'duration') {
    let pausedMs = 0;
    for (const p of fold.pauses) {
      const end = p.toMs ?? Math.max(resumeMs ?? p.fromMs, p.fromMs);
      pausedMs += Math.max(0, end - Math.max(p.fromMs, startMs));
    }
    const dueMs = startMs + units + pausedMs;
    const dueDate = localDateOf(dueMs, zone);
    return { dueMs, dueDate, lastCountedDate: dueDate, spans };
  }
  const excluded = excludedBy(spans);
  const counted = (d: LocalDate) => !excluded(d) && isWorkingDay(d, calendar);
  const startDate = localDateOf(startMs, zone);
  let dueDate: LocalDate;
  let lastCountedDate: LocalDate;
  if (budget.unit === 'working') {
    dueDate = lastCountedDate = nthCountedDayAfter(startDate, units, counted);
  } else {
    lastCountedDate = nthCountedDayAfter(startDate, daysToCount(budget, startDate, units), (d) => !excluded(d));
    // A deadline cannot fall inside a pause: rolling forward skips paused days as well as days off.
    dueDate = budget.rollForward ? firstCountedDayFrom(lastCountedDate, counted) : lastCountedDate;
  }
  return { dueMs: endOfLocalDay(dueDate, zone), dueDate, lastCountedDate, spans };
}

export function foldLedger(budget: ReadBudget, ledger: DeadlineLedger, calendar: Calendar): Fold {
  const zone = calendar.zone;
  const [first, ...rest] = ledger;
  if (first?.type !== 'started') invalid('a deadline ledger begins with a "started" entry');
  const fold: Fold = { startMs: instantOf(first.at, zone, 'started'), pauses: [], extensions: [], ignored: [] };
  /** Once the deadline has passed (and is not paused) nothing in the ledger can bring it back. */
  const tooLate = (atMs: number) =>
    fold.expiredAtMs !== undefined || (!isOpen(fold) && atMs > countDueDate(budget, fold, calendar).dueMs);
  const when = (atMs: number) => formatLocalDate(localDateOf(atMs, zone), { weekday: true });
  for (const entry of rest) {
    const atMs = instantOf(entry.at, zone, entry.type);
    const date = localDateOf(atMs, zone);
    switch (entry.type) {
      case 'paused':
        if (isOpen(fold)) break;
        if (tooLate(atMs)) {
          fold.ignored.push({ date, text: `pause of ${when(atMs)} not applied: the deadline had already passed` });
          break;
        }
        fold.pauses.push({ fromMs: atMs, from: date, reason: entry.reason });
        break;
      case 'resumed': {
        const open = fold.pauses[fold.pauses.length - 1];
        if (!open || open.toMs !== undefined) break;
        open.toMs = Math.max(atMs, open.fromMs);
        open.to = date < open.from ? open.from : date;
        break;
      }
      case 'restarted':
        if (tooLate(atMs)) {
          fold.ignored.push({ date, text: `restart of ${when(atMs)} not applied: the deadline had already passed` });
          break;
        }
        fold.restart = entry.reason === undefined ? { atMs } : { atMs, reason: entry.reason };
        fold.pauses = [];
        break;
      case 'extended': {
        if (!Number.isInteger(entry.units) || entry.units < 0) invalid('an extension adds a whole number of units');
        const ms = entry.duration === undefined ? undefined : parseIsoDuration(entry.duration);
        if (entry.duration !== undefined && ms === undefined) invalid(`extension: "${entry.duration}" is not an ISO 8601 duration`);
        const extension = { units: entry.units, reason: entry.reason, ...(ms === undefined ? {} : { ms }) };
        if (budget.unit === 'months' && totalUnits(budget, fold) + entry.units > MAX_MONTHS) {
          invalid(`a budget with its extensions must be at most ${MAX_MONTHS} months`);
        }
        if (budget.unit !== 'duration' && budget.unit !== 'months' && totalUnits(budget, fold) + entry.units > MAX_UNITS) {
          invalid(`a budget with its extensions must be at most ${MAX_UNITS} days`);
        }
        if (budget.unit === 'duration' && ms !== undefined && totalUnits(budget, fold) + ms > MAX_UNITS * DAY_MS) {
          invalid(`a budget with its extensions must be at most ${MAX_UNITS} days`);
        }
        if (tooLate(atMs)) {
          fold.ignored.push({ date, text: `extension of ${when(atMs)} not applied: the deadline had already passed` });
          break;
        }
        fold.extensions.push(extension);
        break;
      }
      case 'expired':
        fold.expiredAtMs ??= atMs;
        break;
      case 'started':
      case 'warned':
      case 'reprojected':
      case 'dated':
      case 'met':
        break;
    }
  }
  return fold;
}
