/**
 * The date operators of language 2: how many calendar or working days lie between two dates, and what
 * today is. They count the way deadlines count (docs/procedure-language.md, "The counting convention"),
 * on Mohla's working-day calendar and in its time zone.
 *
 * Nothing here reads a clock: `today` is the local date of the event being applied, and the calendar is
 * the one the shell handed over with that event (the workflow reads it in a local activity, so a replay
 * finds the same calendar in the history).
 */
import { localDateOf, parseInstant, parseLocalDate, workingDaysBetween, type Calendar, type LocalDate } from '../calendar.js';

/** What date operators read besides their arguments. */
export interface DateReading {
  /** The instant of the event being applied (ISO 8601). */
  at?: string;
  /** The working-day calendar, with its zone. */
  calendar?: Calendar;
}

const DAY_MS = 86_400_000;
/** Counting working days walks day by day: past a century a span is taken for a typing error, and counts as unknown. */
const MAX_SPAN_DAYS = 36_525;

function calendarOf(reading: DateReading): Calendar {
  // The shells hand a calendar over whenever a definition's expressions count days (readsCalendar).
  if (!reading.calendar) throw new Error('a date operator was evaluated without the calendar');
  return reading.calendar;
}

/** The local date a value names: a date as written (YYYY-MM-DD), or an instant's date on the calendar's clock. */
function dateOf(value: unknown, calendar: Calendar): LocalDate | undefined {
  if (typeof value !== 'string') return undefined;
  const date = parseLocalDate(value);
  if (date) return date;
  const instant = parseInstant(value, calendar.zone);
  return instant === undefined ? undefined : localDateOf(instant, calendar.zone);
}

const dayNumber = (date: LocalDate) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;

/** The two dates and how many days `to` lies after `from` (negative before it); undefined when either is no date. */
function span(values: unknown[], reading: DateReading): { from: LocalDate; to: LocalDate; days: number } | undefined {
  const calendar = calendarOf(reading);
  const from = dateOf(values[0], calendar);
  const to = dateOf(values[1], calendar);
  if (!from || !to) return undefined;
  const days = dayNumber(to) - dayNumber(from);
  return Math.abs(days) > MAX_SPAN_DAYS ? undefined : { from, to, days };
}

/** Each date operator, given its evaluated arguments. A missing or malformed date gives null, as a missing variable does. */
export const DATE_OPERATIONS: Readonly<Record<string, (values: unknown[], reading: DateReading) => unknown>> = {
  today: (_values, reading) => {
    if (!reading.at) throw new Error('"today" was evaluated outside an event');
    return localDateOf(Date.parse(reading.at), calendarOf(reading).zone);
  },
  calendarDaysBetween: (values, reading) => span(values, reading)?.days ?? null,
  workingDaysBetween: (values, reading) => {
    const between = span(values, reading);
    if (!between) return null;
    const calendar = calendarOf(reading);
    // Day 1 is the first working day after the earlier date, as for a deadline; the later date counts.
    return between.days >= 0
      ? workingDaysBetween(between.from, between.to, calendar)
      : -workingDaysBetween(between.to, between.from, calendar);
  },
};
