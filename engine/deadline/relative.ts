/**
 * Deadlines counted from a date in the application's data (a council session, a hearing) rather than
 * from an event: a clock that falls due N days before or after that date, or a wait until it. The date
 * is recorded in the deadline's ledger (`dated` entries: the last one counts), so the due instant is
 * still a pure function of budget, ledger and calendar, computed again when the date or the calendar
 * changes. The convention, Mohla's product decision (docs/procedure-language.md, "Clocks"):
 *
 * - the date itself is never counted, as the start of a deadline is not: day 1 is the day after it
 *   (`after`) or the day before it (`before`), and the deadline is the end (23:59:59.999 local) of day N;
 * - N working days: only working days are counted, so day N is always a working day;
 * - N calendar days: every day counts; N calendar months land on the same day of the month (the last
 *   day of a shorter month). When that day is not a working day, an `after` deadline moves to
 *   the end of the next working day and a `before` deadline to the end of the working day before it,
 *   so that "at least N days before" still holds (`rollForward: false` keeps day N either way);
 * - a duration: exactly that long before or after the date's instant (a bare date is the start of that
 *   local day), nights and holidays included.
 */
import {
  addCalendarDays,
  calendarHorizon,
  datesFromTo,
  describeWeekend,
  endOfLocalDay,
  formatDateRange,
  formatInstant,
  formatLocalDate,
  isWorkingDay,
  localDateOf,
  nthCountedDayAfter,
  type Calendar,
  type LocalDate,
} from '../calendar.js';
import { invalid, readBudget, type DeadlineBudget, type ReadBudget } from './budget.js';
import type { DeadlineComputation } from './computation.js';
import { instantOf } from './counting.js';
import { describeDuration } from './duration.js';
import { atTime, holidayRuns, unitWords } from './explanation.js';
import { addMonths } from './months.js';
import type { DeadlineLedger, LedgerEntry } from './ledger.js';

/** Which way a budget counts from the date: the deadline falls due before it or after it. */
export type Direction = 'before' | 'after';

/** No calendar leaves 500 years without a working day; scanning further means the calendar is broken. */
const MAX_SCAN_DAYS = 366 * 500;

type Dated = Extract<LedgerEntry, { type: 'dated' }>;

/** The date the deadline counts from: the last `dated` entry of its ledger. */
function datedEntries(ledger: DeadlineLedger): Dated[] {
  return ledger.filter((e): e is Dated => e.type === 'dated');
}

/** The `n`-th day strictly before `date` that `counts`; `date` itself when n is 0. */
function nthCountedDayBackFrom(date: LocalDate, n: number, counts: (day: LocalDate) => boolean): LocalDate {
  let day = date;
  for (let counted = 0, scanned = 0; counted < n;) {
    day = addCalendarDays(day, -1);
    if (++scanned > MAX_SCAN_DAYS) throw new RangeError('no day counts in 500 years: is the calendar empty?');
    if (counts(day)) counted += 1;
  }
  return day;
}

interface RelativeCount {
  anchorMs: number;
  anchorDate: LocalDate;
  dueMs: number;
  dueDate: LocalDate;
  /** Day N before any move to a working day. */
  lastCountedDate: LocalDate;
}

function count(read: ReadBudget, direction: Direction, anchorMs: number, calendar: Calendar): RelativeCount {
  const zone = calendar.zone;
  const anchorDate = localDateOf(anchorMs, zone);
  const sign = direction === 'after' ? 1 : -1;
  if (read.unit === 'duration') {
    const dueMs = anchorMs + sign * read.amount;
    const dueDate = localDateOf(dueMs, zone);
    return { anchorMs, anchorDate, dueMs, dueDate, lastCountedDate: dueDate };
  }
  const working = (d: LocalDate) => isWorkingDay(d, calendar);
  let lastCountedDate: LocalDate;
  let dueDate: LocalDate;
  if (read.unit === 'working') {
    lastCountedDate = dueDate =
      direction === 'after' ? nthCountedDayAfter(anchorDate, read.amount, working) : nthCountedDayBackFrom(anchorDate, read.amount, working);
  } else {
    lastCountedDate = read.unit === 'months' ? addMonths(anchorDate, sign * read.amount) : addCalendarDays(anchorDate, sign * read.amount);
    dueDate = lastCountedDate;
    if (read.rollForward && !working(dueDate)) {
      // Rolling goes the way the deadline protects: later after the date, earlier before it.
      dueDate = direction === 'after' ? nthCountedDayAfter(dueDate, 1, working) : nthCountedDayBackFrom(dueDate, 1, working);
    }
  }
  return { anchorMs, anchorDate, dueMs: endOfLocalDay(dueDate, zone), dueDate, lastCountedDate };
}

/** The calendar's horizon when days were counted past it (a date before the due date's, counting back): the holidays there are not known yet. */
function beyondHorizon(read: ReadBudget, counted: RelativeCount, calendar: Calendar): LocalDate | undefined {
  const horizon = calendarHorizon(calendar);
  const last = counted.anchorDate > counted.dueDate ? counted.anchorDate : counted.dueDate;
  return read.unit !== 'duration' && horizon !== undefined && last > horizon ? horizon : undefined;
}

/** In English lines a citizen reads: from which date, which way, which days did not count, and the due date. */
function explain(read: ReadBudget, budget: DeadlineBudget, direction: Direction, counted: RelativeCount, ledger: DeadlineLedger, calendar: Calendar): string[] {
  const zone = calendar.zone;
  const longDate = (d: LocalDate) => formatLocalDate(d, { weekday: true });
  const lines: string[] = [];
  const { anchorDate, anchorMs, dueDate, lastCountedDate } = counted;
  const back = direction === 'before';
  const isDuration = read.unit === 'duration';
  const budgetWords = isDuration
    ? `${describeDuration(read.amount)} (${(budget as { duration: string }).duration})`
    : unitWords(read.unit, read.amount);
  if (isDuration && read.amount === 0) {
    lines.push(`until ${longDate(anchorDate)} at ${atTime(anchorMs, zone, true)} (${zone}), the date in the application`);
  } else {
    lines.push(
      isDuration
        ? `${budgetWords} ${direction} ${longDate(anchorDate)} at ${atTime(anchorMs, zone, true)} (${zone}), the date in the application`
        : `${budgetWords} ${direction} ${longDate(anchorDate)}, the date in the application`,
    );
  }
  for (const change of datedEntries(ledger).filter((d) => d.previousDate !== undefined)) {
    lines.push(`the date changed on ${longDate(localDateOf(instantOf(change.at, zone, 'dated'), zone))}: ${change.previousDate} → ${change.date}`);
  }
  if (isDuration) {
    if (read.amount > 0) lines.push('an exact span of time: nights, weekends and holidays run too');
  } else {
    const day1 = back ? addCalendarDays(anchorDate, -1) : addCalendarDays(anchorDate, 1);
    const counting = back ? `counted back from ${formatLocalDate(anchorDate)}` : `counted from ${formatLocalDate(anchorDate)}`;
    if (read.unit === 'working') {
      const first = back
        ? nthCountedDayBackFrom(anchorDate, 1, (d) => isWorkingDay(d, calendar))
        : nthCountedDayAfter(anchorDate, 1, (d) => isWorkingDay(d, calendar));
      lines.push(
        `${counting}: day 1 is ${longDate(first)}, the first working day ${back ? 'before' : 'after'} that date; ${describeWeekend(calendar)}, holidays and closures are not counted`,
      );
      const span = back ? datesFromTo(dueDate, addCalendarDays(anchorDate, -1)) : datesFromTo(addCalendarDays(anchorDate, 1), dueDate);
      for (const run of holidayRuns(span, calendar)) {
        if (run.takesAWorkingDay) lines.push(`${formatDateRange(run.from, run.to)}: ${run.text}`);
      }
    } else {
      lines.push(
        read.unit === 'months'
          ? `${counting} in calendar months: the same day of the month ${read.amount} month(s) ${back ? 'earlier' : 'later'}, or the last day of a shorter month`
          : `${counting}: day 1 is ${longDate(day1)}; every day counts, weekends and holidays included`,
      );
      if (lastCountedDate !== dueDate) {
        const span = back ? datesFromTo(addCalendarDays(dueDate, 1), lastCountedDate) : datesFromTo(lastCountedDate, addCalendarDays(dueDate, -1));
        for (const run of holidayRuns(span, calendar)) lines.push(`${formatDateRange(run.from, run.to)}: ${run.text}`);
        const lastDay = read.unit === 'months' ? longDate(lastCountedDate) : `day ${read.amount}, ${longDate(lastCountedDate)},`;
        lines.push(
          back
            ? `${lastDay} is not a working day: the deadline moves back to the end of the working day before, so that it still falls at least ${unitWords(read.unit, read.amount)} before`
            : `${lastDay} is not a working day: the deadline moves to the end of the next working day`,
        );
      } else if (!isWorkingDay(dueDate, calendar)) {
        lines.push(`${longDate(dueDate)} is not a working day, but this deadline is not moved`);
      }
    }
  }
  const expired = ledger.find((e) => e.type === 'expired');
  if (expired) {
    const ms = instantOf(expired.at, zone, 'expired');
    lines.push(`expired on ${longDate(localDateOf(ms, zone))} at ${atTime(ms, zone, false)}`);
  }
  const horizon = beyondHorizon(read, counted, calendar);
  if (horizon) {
    lines.push(
      `the calendar (${calendar.id} v${calendar.version}) covers days up to ${longDate(horizon)}: the Islamic holidays after that date are not in it yet, so this due date may still move`,
    );
  }
  lines.push(`due ${longDate(dueDate)} at ${atTime(counted.dueMs, zone, isDuration)} (${zone})`);
  return lines;
}

/**
 * The due instant of a deadline counted `direction` from the date of its ledger's last `dated` entry,
 * with the explanation of how it was reached. Such a deadline never pauses and is never extended.
 */
export function computeRelativeDeadline(budget: DeadlineBudget, direction: Direction, ledger: DeadlineLedger, calendar: Calendar): DeadlineComputation {
  const read = readBudget(budget);
  const zone = calendar.zone;
  const anchor = datedEntries(ledger).at(-1);
  if (!anchor) invalid('a deadline counted from a date in the data needs the date: its ledger has no "dated" entry');
  const counted = count(read, direction, instantOf(anchor.date, zone, 'dated'), calendar);
  return {
    dueAt: formatInstant(counted.dueMs, zone),
    dueDate: counted.dueDate,
    dueInstantMs: counted.dueMs,
    paused: false,
    expiresAtMs: counted.dueMs,
    expired: ledger.some((e) => e.type === 'expired'),
    beyondHorizon: beyondHorizon(read, counted, calendar) !== undefined,
    countsFrom: { at: formatInstant(counted.anchorMs, zone), date: counted.anchorDate },
    budget,
    extendedBy: 0,
    pauses: [],
    calendar: { id: calendar.id, version: calendar.version, zone },
    explanation: explain(read, budget, direction, counted, ledger, calendar),
  };
}
