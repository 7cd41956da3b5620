/**
 * Legal deadlines as a ledger of what happened (started, paused, resumed, restarted, extended, …) and a
 * pure function that turns the ledger and a calendar into the due instant, with the explanation a citizen
 * reads. The convention is Mohla's product decision, written in docs/legal-deadlines.md and docs/procedure-language.md:
 *
 * - N working days from an instant: day 1 is the first working day strictly after the local date of that
 *   instant; the deadline is the end (23:59:59.999 local) of day N.
 * - N calendar days: the end of (local date + N days), rolled forward to the end of the next working day
 *   when that day is not worked, unless the budget says `rollForward: false`.
 * - An ISO duration: the exact instant, for internal service levels and tests.
 * - A pause: the days from the pause date through the resume date are not counted.
 * - A restart: the full budget counts again from the restart.
 * - An extension adds units to the budget.
 */
import {
  addCalendarDays,
  dayStatus,
  datesFromTo,
  describeReason,
  describeWeekend,
  endOfLocalDay,
  firstCountedDayFrom,
  formatDateRange,
  formatInstant,
  formatLocalDate,
  isWorkingDay,
  isWorkingWeekday,
  localDateOf,
  localTimeOf,
  nthCountedDayAfter,
  nthCountedDayBefore,
  parseInstant,
  type Calendar,
  type LocalDate,
  type NonWorkingReason,
} from '../calendar.js';
import { DomainError } from '../errors.js';

/** How long a deadline runs. Same shapes as the procedure language's `Budget`. */
export type DeadlineBudget =
  { workingDays: number } | { calendarDays: number; rollForward?: boolean } | { duration: string };

/** How long before the due instant a warning rung fires; read like a budget, counted backwards. */
export type WarningLead = DeadlineBudget;

/** What happened to a deadline, in the order it happened. `at` is an ISO 8601 instant. */
export type LedgerEntry =
  | { type: 'started'; at: string }
  /** A complement was requested ("pause" semantics): the clock stops from this date on. */
  | { type: 'paused'; at: string; reason: string }
  | { type: 'resumed'; at: string }
  /**
   * "Restart" semantics (e.g. the deadline runs from the complete file): the full budget, extensions
   * already granted included, counts again from this instant's local date; earlier pauses no longer matter.
   */
  | { type: 'restarted'; at: string; reason?: string }
  /** Units in the budget's unit; for a duration budget, one unit is one budget duration. */
  | { type: 'extended'; at: string; units: number; reason: string; noticeGivenAt?: string }
  | { type: 'warned'; at: string; rung: number }
  | { type: 'expired'; at: string }
  | {
      type: 'reprojected';
      at: string;
      calendarId: string;
      calendarVersion: number;
      previousDueAt: string;
      newDueAt: string;
      /** Which calendar entry moved which date, in words. */
      movedBy: string[];
    };

export type DeadlineLedger = readonly LedgerEntry[];

/** A span of days that is not counted. */
export interface PauseSpan {
  from: LocalDate;
  /** The resume date; while the pause is open, the date the projection assumes it ends. */
  to: LocalDate;
  open: boolean;
  reason: string;
}

export interface DeadlineComputation {
  /** The due instant, ISO 8601 with the zone's offset: `2026-04-14T23:59:59.999+01:00`. */
  dueAt: string;
  /** The local date of the due instant. */
  dueDate: LocalDate;
  dueInstantMs: number;
  /**
   * The clock is stopped. `dueAt` is then a projection: the due instant if the pause ended on
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
  /** Days (or, for a duration, milliseconds) still to run when the open pause began. */
  remainingAtPause?: number;
  pauses: PauseSpan[];
  calendar: { id: string; version: number; zone: string };
  /** In English, for the citizen: how the due date was reached. */
  explanation: string[];
}

export interface ComputeOptions {
  /** For a paused deadline: project the due instant as if the pause ended on this instant's local date. */
  asOf?: string;
}

/** Larger budgets are data errors, and would make counting scan centuries. */
const MAX_UNITS = 100_000;

// ---------------------------------------------------------------------------------------------------
// ISO 8601 durations.

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:[.,](\d{1,3}))?S)?)?$/;

/**
 * Milliseconds of an ISO 8601 duration with weeks, days, hours, minutes and seconds (`PT4H`, `P2DT30M`,
 * `PT0.5S`). A day is 24 hours: a duration is an exact span of time, not a calendar count. Years and
 * months have no fixed length, so they are refused. Undefined when the text is not such a duration.
 */
export function parseIsoDuration(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return undefined;
  const [, w, d, h, mi, s, fraction] = m;
  const millis = fraction === undefined ? 0 : Number(fraction.padEnd(3, '0'));
  return (
    ((((Number(w ?? 0) * 7 + Number(d ?? 0)) * 24 + Number(h ?? 0)) * 60 + Number(mi ?? 0)) * 60 + Number(s ?? 0)) *
      1000 +
    millis
  );
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** "1 day 2 hours 30 minutes", "5 seconds". */
export function describeDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of [
    ['day', 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
    ['second', 1000],
    ['millisecond', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(plural(n, unit));
  }
  return parts.length ? parts.join(' ') : '0 seconds';
}

// ---------------------------------------------------------------------------------------------------
// Reading the ledger.

type Unit = 'working' | 'calendar' | 'duration';

interface ReadBudget {
  unit: Unit;
  /** Days, or milliseconds for a duration. */
  amount: number;
  rollForward: boolean;
}

function invalid(message: string): never {
  throw new DomainError('invalid_input', message);
}

function readBudget(budget: DeadlineBudget): ReadBudget {
  const days = (n: unknown, name: string): number => {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
      invalid(`${name} must be a whole number of days, 0 or more`);
    }
    if (n > MAX_UNITS) invalid(`${name} must be at most ${MAX_UNITS}`);
    return n;
  };
  if ('workingDays' in budget) {
    return { unit: 'working', amount: days(budget.workingDays, 'workingDays'), rollForward: false };
  }
  if ('calendarDays' in budget) {
    return {
      unit: 'calendar',
      amount: days(budget.calendarDays, 'calendarDays'),
      rollForward: budget.rollForward !== false,
    };
  }
  if ('duration' in budget) {
    const ms = typeof budget.duration === 'string' ? parseIsoDuration(budget.duration) : undefined;
    if (ms === undefined) {
      invalid(`"${String(budget.duration)}" is not an ISO 8601 duration with days, hours, minutes or seconds`);
    }
    return { unit: 'duration', amount: ms, rollForward: false };
  }
  return invalid('a budget has workingDays, calendarDays or duration');
}

interface OpenOrClosedPause {
  fromMs: number;
  from: LocalDate;
  toMs?: number;
  to?: LocalDate;
  reason: string;
}

/** The ledger folded into what the due instant depends on. */
interface Fold {
  startMs: number;
  restart?: { atMs: number; reason?: string };
  /** Pauses since the start or the last restart, the open one last. */
  pauses: OpenOrClosedPause[];
  extensions: { units: number; reason: string }[];
  /** Entries that came after the deadline had passed, in words. */
  ignored: { date: LocalDate; text: string }[];
  expiredAtMs?: number;
}

interface Projection {
  dueMs: number;
  dueDate: LocalDate;
  /** For calendar days: day N before any roll forward. */
  lastCountedDate: LocalDate;
  spans: PauseSpan[];
}

function instantOf(text: string, zone: string, what: string): number {
  const ms = typeof text === 'string' ? parseInstant(text, zone) : undefined;
  if (ms === undefined) invalid(`${what}: "${String(text)}" is not an ISO 8601 instant`);
  return ms;
}

function anchorMs(fold: Fold): number {
  return fold.restart?.atMs ?? fold.startMs;
}

function totalUnits(budget: ReadBudget, fold: Fold): number {
  const extension = fold.extensions.reduce((sum, e) => sum + e.units, 0);
  return budget.unit === 'duration' ? budget.amount * (1 + extension) : budget.amount + extension;
}

function isOpen(fold: Fold): boolean {
  const last = fold.pauses[fold.pauses.length - 1];
  return last !== undefined && last.toMs === undefined;
}

function excludedBy(spans: PauseSpan[]): (date: LocalDate) => boolean {
  return (date) => spans.some((s) => s.from <= date && date <= s.to);
}

function project(budget: ReadBudget, fold: Fold, calendar: Calendar, resumeMs?: number): Projection {
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
    lastCountedDate = nthCountedDayAfter(startDate, units, (d) => !excluded(d));
    // A deadline cannot fall inside a pause: rolling forward skips paused days as well as days off.
    dueDate = budget.rollForward ? firstCountedDayFrom(lastCountedDate, counted) : lastCountedDate;
  }
  return { dueMs: endOfLocalDay(dueDate, zone), dueDate, lastCountedDate, spans };
}

function foldLedger(budget: ReadBudget, ledger: DeadlineLedger, calendar: Calendar): Fold {
  const zone = calendar.zone;
  const [first, ...rest] = ledger;
  if (first?.type !== 'started') invalid('a deadline ledger begins with a "started" entry');
  const fold: Fold = { startMs: instantOf(first.at, zone, 'started'), pauses: [], extensions: [], ignored: [] };
  /** Once the deadline has passed (and is not paused) nothing in the ledger can bring it back. */
  const tooLate = (atMs: number) =>
    fold.expiredAtMs !== undefined || (!isOpen(fold) && atMs > project(budget, fold, calendar).dueMs);
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
        if (budget.unit !== 'duration' && totalUnits(budget, fold) + entry.units > MAX_UNITS) {
          invalid(`a budget with its extensions must be at most ${MAX_UNITS} days`);
        }
        if (tooLate(atMs)) {
          fold.ignored.push({ date, text: `extension of ${when(atMs)} not applied: the deadline had already passed` });
          break;
        }
        fold.extensions.push({ units: entry.units, reason: entry.reason });
        break;
      }
      case 'expired':
        fold.expiredAtMs ??= atMs;
        break;
      case 'started':
      case 'warned':
      case 'reprojected':
        break;
    }
  }
  return fold;
}

// ---------------------------------------------------------------------------------------------------
// The due instant.

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
  const projection = project(read, fold, calendar, paused ? asOfMs : undefined);
  const startMs = anchorMs(fold);
  const remainingAtPause = paused ? remainingWhenPaused(read, fold, calendar) : undefined;
  const computation: DeadlineComputation = {
    dueAt: formatInstant(projection.dueMs, zone),
    dueDate: projection.dueDate,
    dueInstantMs: projection.dueMs,
    paused,
    expiresAtMs: paused ? null : projection.dueMs,
    expired: fold.expiredAtMs !== undefined,
    countsFrom: { at: formatInstant(startMs, zone), date: localDateOf(startMs, zone) },
    budget,
    extendedBy: fold.extensions.reduce((sum, e) => sum + e.units, 0),
    pauses: projection.spans,
    calendar: { id: calendar.id, version: calendar.version, zone },
    explanation: [],
  };
  if (remainingAtPause !== undefined) computation.remainingAtPause = remainingAtPause;
  computation.explanation = explain(read, fold, projection, calendar, computation);
  return computation;
}

/** What is left to run at the start of the open pause: the days (or time) counted before it are spent. */
function remainingWhenPaused(budget: ReadBudget, fold: Fold, calendar: Calendar): number {
  const open = fold.pauses[fold.pauses.length - 1] as OpenOrClosedPause;
  const zone = calendar.zone;
  const startMs = anchorMs(fold);
  const total = totalUnits(budget, fold);
  const before = fold.pauses.slice(0, -1);
  if (budget.unit === 'duration') {
    const pausedMs = before.reduce(
      (sum, p) => sum + Math.max(0, (p.toMs ?? p.fromMs) - Math.max(p.fromMs, startMs)),
      0,
    );
    return Math.max(0, total - Math.max(0, open.fromMs - startMs - pausedMs));
  }
  const excluded = excludedBy(before.map((p) => ({ from: p.from, to: p.to ?? p.from, open: false, reason: p.reason })));
  const startDate = localDateOf(startMs, zone);
  let spent = 0;
  for (let d = addCalendarDays(startDate, 1); d < open.from; d = addCalendarDays(d, 1)) {
    if (excluded(d)) continue;
    if (budget.unit === 'calendar' || isWorkingDay(d, calendar)) spent++;
  }
  return Math.max(0, total - spent);
}

function unitWords(unit: Unit, n: number): string {
  if (unit === 'working') return plural(n, 'working day');
  if (unit === 'calendar') return plural(n, 'calendar day');
  return describeDuration(n);
}

function atTime(ms: number, zone: string, withSeconds: boolean): string {
  const time = localTimeOf(ms, zone);
  return withSeconds ? time : time.slice(0, 5);
}

/** The holidays and closures among `dates`, grouped into runs of the same entry. */
function holidayRuns(
  dates: LocalDate[],
  calendar: Calendar,
): { from: LocalDate; to: LocalDate; text: string; takesAWorkingDay: boolean }[] {
  const runs: { from: LocalDate; to: LocalDate; text: string; takesAWorkingDay: boolean }[] = [];
  for (const date of dates) {
    const reasons = dayStatus(date, calendar).reasons.filter(
      (r): r is Exclude<NonWorkingReason, { kind: 'weekend' }> => r.kind !== 'weekend',
    );
    if (!reasons.length) continue;
    const text = reasons.map(describeReason).join(' and ');
    const last = runs[runs.length - 1];
    if (last && last.text === text && addCalendarDays(last.to, 1) === date) {
      last.to = date;
      last.takesAWorkingDay ||= isWorkingWeekday(date, calendar);
    } else {
      runs.push({ from: date, to: date, text, takesAWorkingDay: isWorkingWeekday(date, calendar) });
    }
  }
  return runs;
}

function explain(
  budget: ReadBudget,
  fold: Fold,
  projection: Projection,
  calendar: Calendar,
  result: DeadlineComputation,
): string[] {
  const zone = calendar.zone;
  const lines: string[] = [];
  const startMs = anchorMs(fold);
  const startDate = result.countsFrom.date;
  const longDate = (d: LocalDate) => formatLocalDate(d, { weekday: true });
  const isDuration = budget.unit === 'duration';
  const budgetWords = isDuration
    ? `${describeDuration(budget.amount)} (${(result.budget as { duration: string }).duration})`
    : unitWords(budget.unit, budget.amount);

  if (fold.restart) {
    const why = fold.restart.reason ? `: ${fold.restart.reason}` : '';
    lines.push(`restarted on ${longDate(startDate)}${why}; the full budget counts again from that date`);
  }
  lines.push(
    isDuration
      ? `${budgetWords} from ${longDate(startDate)} at ${atTime(startMs, zone, true)} (${zone})`
      : `${budgetWords} from ${longDate(startDate)}`,
  );
  for (const e of fold.extensions) {
    lines.push(
      `extended by ${isDuration ? describeDuration(budget.amount * e.units) : unitWords(budget.unit, e.units)}${e.reason ? `: ${e.reason}` : ''}`,
    );
  }

  const units = totalUnits(budget, fold);
  const excluded = excludedBy(projection.spans);
  const dated: { date: LocalDate; text: string }[] = [...fold.ignored];
  const time = `${atTime(startMs, zone, false)} in ${zone}`;
  if (isDuration) {
    lines.push('an exact span of time: nights, weekends and holidays run too');
  } else if (units === 0) {
    lines.push(
      `no day to count: the deadline ends with the starting day, ${formatLocalDate(startDate)} (started at ${time})`,
    );
  } else {
    const counted = (d: LocalDate) => !excluded(d) && (budget.unit === 'calendar' || isWorkingDay(d, calendar));
    const day1 = nthCountedDayAfter(startDate, 1, counted);
    lines.push(
      budget.unit === 'working'
        ? `counted from ${formatLocalDate(startDate)} (${time}): day 1 is ${longDate(day1)}, the first working day after that date; ${describeWeekend(calendar)}, holidays and closures are not counted`
        : `counted from ${formatLocalDate(startDate)} (${time}): day 1 is ${longDate(day1)}; every day counts, weekends and holidays included`,
    );
  }
  if (!isDuration) {
    // Only the days off that changed something: inside the counted span for working days, and the days
    // the deadline rolled over (or ended on) for calendar days.
    const span =
      budget.unit === 'working'
        ? datesFromTo(addCalendarDays(startDate, 1), projection.dueDate)
        : projection.dueDate === projection.lastCountedDate && isWorkingDay(projection.dueDate, calendar)
          ? []
          : datesFromTo(projection.lastCountedDate, projection.dueDate);
    for (const run of holidayRuns(
      span.filter((d) => !excluded(d)),
      calendar,
    )) {
      if (run.takesAWorkingDay || budget.unit === 'calendar') {
        dated.push({ date: run.from, text: `${formatDateRange(run.from, run.to)}: ${run.text}` });
      }
    }
  }

  for (const pause of fold.pauses) {
    const why = pause.reason ? `: ${pause.reason}` : '';
    if (pause.toMs !== undefined) {
      dated.push({
        date: pause.from,
        text: isDuration
          ? `paused for ${describeDuration(pause.toMs - pause.fromMs)} from ${longDate(pause.from)} at ${atTime(pause.fromMs, zone, true)}${why}`
          : `paused ${formatDateRange(pause.from, pause.to ?? pause.from)}${(pause.to ?? pause.from) <= startDate ? ', before counting began' : ''}${why}`,
      });
    } else {
      const remaining = result.remainingAtPause ?? 0;
      const since = isDuration
        ? `${longDate(pause.from)} at ${atTime(pause.fromMs, zone, true)}`
        : longDate(pause.from);
      dated.push({
        date: pause.from,
        text: `paused since ${since}${why}; ${unitWords(budget.unit, remaining)} left when it resumes`,
      });
    }
  }
  dated.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  lines.push(...dated.map((d) => d.text));

  if (budget.unit === 'calendar' && projection.lastCountedDate !== projection.dueDate) {
    const lastDay =
      units > 0 ? `day ${units}, ${longDate(projection.lastCountedDate)},` : longDate(projection.lastCountedDate);
    lines.push(`${lastDay} is not a working day: the deadline moves to the end of the next working day`);
  } else if (budget.unit === 'calendar' && !isWorkingDay(projection.dueDate, calendar)) {
    lines.push(`${longDate(projection.dueDate)} is not a working day, but this deadline is not rolled forward`);
  }
  if (fold.expiredAtMs !== undefined) {
    lines.push(
      `expired on ${longDate(localDateOf(fold.expiredAtMs, zone))} at ${atTime(fold.expiredAtMs, zone, false)}`,
    );
  }
  const dueText = `due ${longDate(projection.dueDate)} at ${atTime(projection.dueMs, zone, isDuration)} (${zone})`;
  if (result.paused) {
    const open = result.pauses[result.pauses.length - 1] as PauseSpan;
    lines.push(
      isDuration
        ? `${dueText} if the pause ends then; the clock is stopped until it resumes`
        : `${dueText} if the pause ends on ${longDate(open.to)}; the clock is stopped until it resumes`,
    );
  } else {
    lines.push(dueText);
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------------
// Warning ladders.

export interface WarningTime {
  atMs: number;
  at: string;
  date: LocalDate;
}

/**
 * When a warning rung fires, `lead` before the due instant:
 * - `{ workingDays: N }`: the end of the working day from which exactly N counted working days remain
 *   until the due date included (paused days are not counted either), so the warning says "N working
 *   days left" and holds true all of the next day;
 * - `{ calendarDays: N }`: the end of the local day N days before the due date;
 * - `{ duration }`: exactly that long before the due instant.
 * Null while the deadline is paused: a paused deadline neither warns nor expires. The instant may already
 * be past (a short deadline, a late extension): the caller then warns at once.
 */
export function warningInstant(
  lead: WarningLead,
  deadline: DeadlineComputation,
  calendar: Calendar,
): WarningTime | null {
  if (deadline.paused) return null;
  const read = readBudget(lead);
  const zone = calendar.zone;
  let atMs: number;
  if (read.unit === 'duration') {
    atMs = deadline.dueInstantMs - read.amount;
  } else if (read.unit === 'calendar') {
    atMs = endOfLocalDay(addCalendarDays(deadline.dueDate, -read.amount), zone);
  } else {
    const excluded = excludedBy(deadline.pauses);
    const day = nthCountedDayBefore(deadline.dueDate, read.amount, (d) => !excluded(d) && isWorkingDay(d, calendar));
    atMs = read.amount === 0 ? deadline.dueInstantMs : endOfLocalDay(day, zone);
  }
  return { atMs, at: formatInstant(atMs, zone), date: localDateOf(atMs, zone) };
}

// ---------------------------------------------------------------------------------------------------
// Re-projection when the calendar changes.

export interface CalendarEntryChange {
  /** The entry as people name it: "Eid al-Fitr", "closure: …", "working week". */
  entry: string;
  before: string;
  after: string;
  /** Applied alone to the previous calendar, this change moves the due instant. */
  movesDeadline: boolean;
  /** "Eid al-Fitr: 20–21 March 2026 (provisional) → 21–22 March 2026 (confirmed)". */
  description: string;
}

export interface Reprojection {
  before: DeadlineComputation;
  after: DeadlineComputation;
  moved: boolean;
  /** The calendar changes that fall within the deadline's span, whether they move it or not. */
  changes: CalendarEntryChange[];
  description: string[];
}

type Keyed = { key: string; label: string };

function keyOf(reason: NonWorkingReason): Keyed | undefined {
  if (reason.kind === 'holiday') return { key: `holiday:${reason.name.en}`, label: reason.name.en };
  if (reason.kind === 'closure') return { key: `closure:${reason.reason.en}`, label: `closure: ${reason.reason.en}` };
  return undefined;
}

/** The calendar `base` with the entries named `key` taken from `source` instead. */
function withEntriesOf(base: Calendar, source: Calendar, key: string): Calendar {
  const holiday = (name: { en: string }) => `holiday:${name.en}` === key;
  const closure = (reason: { en: string }) => `closure:${reason.en}` === key;
  return {
    ...base,
    fixedHolidays: [
      ...base.fixedHolidays.filter((h) => !holiday(h.name)),
      ...source.fixedHolidays.filter((h) => holiday(h.name)),
    ],
    datedHolidays: [
      ...base.datedHolidays.filter((h) => !holiday(h.name)),
      ...source.datedHolidays.filter((h) => holiday(h.name)),
    ],
    closures: [...base.closures.filter((c) => !closure(c.reason)), ...source.closures.filter((c) => closure(c.reason))],
  };
}

function occurrences(
  calendar: Calendar,
  dates: LocalDate[],
): Map<string, { label: string; days: { date: LocalDate; status: string }[] }> {
  const found = new Map<string, { label: string; days: { date: LocalDate; status: string }[] }>();
  for (const date of dates) {
    for (const reason of dayStatus(date, calendar).reasons) {
      const keyed = keyOf(reason);
      if (!keyed) continue;
      const entry = found.get(keyed.key) ?? { label: keyed.label, days: [] };
      entry.days.push({ date, status: reason.kind === 'holiday' ? reason.status : 'closure' });
      found.set(keyed.key, entry);
    }
  }
  return found;
}

function describeDays(days: { date: LocalDate; status: string }[]): string {
  if (!days.length) return 'not in the calendar';
  const runs: { from: LocalDate; to: LocalDate; status: string }[] = [];
  for (const d of days) {
    const last = runs[runs.length - 1];
    if (last && last.status === d.status && addCalendarDays(last.to, 1) === d.date) last.to = d.date;
    else runs.push({ from: d.date, to: d.date, status: d.status });
  }
  return runs
    .map(
      (r) =>
        `${formatDateRange(r.from, r.to)}${r.status === 'provisional' || r.status === 'confirmed' ? ` (${r.status})` : ''}`,
    )
    .join(', ');
}

/**
 * Recomputes a deadline on a corrected calendar and says which calendar change moved which date. Only
 * changes on the days between the start of counting and the later of the two due dates are reported.
 */
export function reprojectDeadline(
  budget: DeadlineBudget,
  ledger: DeadlineLedger,
  previous: Calendar,
  next: Calendar,
  options: ComputeOptions = {},
): Reprojection {
  const before = computeDeadline(budget, ledger, previous, options);
  const after = computeDeadline(budget, ledger, next, options);
  const from = before.countsFrom.date < after.countsFrom.date ? before.countsFrom.date : after.countsFrom.date;
  const to = before.dueDate > after.dueDate ? before.dueDate : after.dueDate;
  const window = datesFromTo(from, to);
  const moves = (candidate: Calendar) =>
    computeDeadline(budget, ledger, candidate, options).dueInstantMs !== before.dueInstantMs;

  const changes: CalendarEntryChange[] = [];
  const sameWeek =
    previous.workingWeek.length === next.workingWeek.length &&
    previous.workingWeek.every((d) => next.workingWeek.includes(d));
  if (!sameWeek) {
    const days = (c: Calendar) => describeWeekend(c) || 'none';
    changes.push({
      entry: 'working week',
      before: `days off: ${days(previous)}`,
      after: `days off: ${days(next)}`,
      movesDeadline: moves({ ...previous, workingWeek: next.workingWeek }),
      description: `working week: days off ${days(previous)} → ${days(next)}`,
    });
  }
  if (previous.zone !== next.zone) {
    changes.push({
      entry: 'time zone',
      before: previous.zone,
      after: next.zone,
      movesDeadline: moves({ ...previous, zone: next.zone }),
      description: `time zone: ${previous.zone} → ${next.zone}`,
    });
  }
  const old = occurrences(previous, window);
  const now = occurrences(next, window);
  for (const key of [...new Set([...old.keys(), ...now.keys()])].sort()) {
    const was = old.get(key);
    const is = now.get(key);
    const beforeText = describeDays(was?.days ?? []);
    const afterText = describeDays(is?.days ?? []);
    if (beforeText === afterText) continue;
    const label = (is ?? was)?.label ?? key;
    changes.push({
      entry: label,
      before: beforeText,
      after: afterText,
      movesDeadline: moves(withEntriesOf(previous, next, key)),
      description: `${label}: ${beforeText} → ${afterText}`,
    });
  }

  const moved = before.dueInstantMs !== after.dueInstantMs;
  const version = `calendar ${next.id} v${next.version}`;
  const description: string[] = [];
  if (moved) {
    description.push(
      `due date moved from ${formatLocalDate(before.dueDate, { weekday: true })} to ${formatLocalDate(after.dueDate, { weekday: true })} (${version})`,
    );
    const movers = changes.filter((c) => c.movesDeadline);
    for (const c of movers.length ? movers : changes) description.push(c.description);
  } else {
    description.push(`due date unchanged: ${formatLocalDate(after.dueDate, { weekday: true })} (${version})`);
    for (const c of changes) description.push(`${c.description} (does not move the deadline)`);
  }
  return { before, after, moved, changes, description };
}

/** The ledger entry recording a re-projection, for the deadline's history. */
export function reprojectedEntry(
  at: string,
  reprojection: Reprojection,
): Extract<LedgerEntry, { type: 'reprojected' }> {
  const movers = reprojection.changes.filter((c) => c.movesDeadline);
  return {
    type: 'reprojected',
    at,
    calendarId: reprojection.after.calendar.id,
    calendarVersion: reprojection.after.calendar.version,
    previousDueAt: reprojection.before.dueAt,
    newDueAt: reprojection.after.dueAt,
    movedBy: (movers.length ? movers : reprojection.changes).map((c) => c.description),
  };
}
