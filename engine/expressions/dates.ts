/**
 * The date operators of language 2: how many calendar or working days lie between two dates, and what
 * today is. They count the way deadlines count (docs/procedure-language.md, "The counting convention"),
 * on Mohla's working-day calendar.
 *
 * Nothing here reads a clock or the runtime's time-zone rules, which change with Node releases: `today`
 * is the date of the event being applied, at the zone offset the shell read with the calendar for that
 * event (the workflow reads both in a local activity, so a replay finds them in the history).
 */
import { parseInstant, parseLocalDate, workingDaysBetween, zoneOffsetMs, type Calendar, type LocalDate } from '../calendar.js';

/** What the shell read for an event of an application whose conditions count days. */
export interface DayCounting {
  calendar: Calendar;
  /** The calendar zone's offset from UTC at the event's instant (Morocco: +1 h, 0 during Ramadan). */
  zoneOffsetMs: number;
}

/**
 * What a shell reads for an event at `at`. It asks the runtime's zone rules, so a shell runs it outside
 * the workflow: in an activity, the API or the simulator.
 */
export function dayCountingAt(calendar: Calendar, at: string): DayCounting {
  return { calendar, zoneOffsetMs: zoneOffsetMs(Date.parse(at), calendar.zone) };
}

/** What date operators read besides their arguments. */
export interface DateReading {
  /** The instant of the event being applied (ISO 8601). */
  at?: string;
  days?: DayCounting;
}

const DAY_MS = 86_400_000;
/** Counting working days walks day by day: past a century a span is taken for a typing error, and counts as unknown. */
const MAX_SPAN_DAYS = 36_525;

function daysOf(reading: DateReading): DayCounting {
  // The shells hand it over whenever a definition's expressions count days (readsCalendar).
  if (!reading.days) throw new Error('a date operator was evaluated without the calendar');
  return reading.days;
}

/**
 * The date a value names: a date `YYYY-MM-DD`, or an ISO 8601 instant, which names the date it is
 * written with (what its writer's clock read). Converting it to Morocco's clock would need the zone's
 * rules at that instant, which the workflow may not look up.
 */
export function dateOf(value: unknown): LocalDate | undefined {
  if (typeof value !== 'string') return undefined;
  const date = parseLocalDate(value);
  if (date) return date;
  // Only validity is read here, which no zone changes.
  return parseInstant(value, 'UTC') === undefined ? undefined : parseLocalDate(value.slice(0, 10));
}

const dayNumber = (date: LocalDate) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;

/** The two dates and how many days `to` lies after `from` (negative before it); undefined when either is no date. */
function span(values: unknown[]): { from: LocalDate; to: LocalDate; days: number } | undefined {
  const from = dateOf(values[0]);
  const to = dateOf(values[1]);
  if (!from || !to) return undefined;
  const days = dayNumber(to) - dayNumber(from);
  return Math.abs(days) > MAX_SPAN_DAYS ? undefined : { from, to, days };
}

/** Each date operator, given its evaluated arguments. A missing or malformed date gives null, as a missing variable does. */
export const DATE_OPERATIONS: Readonly<Record<string, (values: unknown[], reading: DateReading) => unknown>> = {
  today: (_values, reading) => {
    if (!reading.at) throw new Error('"today" was evaluated outside an event');
    return new Date(Date.parse(reading.at) + daysOf(reading).zoneOffsetMs).toISOString().slice(0, 10);
  },
  calendarDaysBetween: (values) => span(values)?.days ?? null,
  workingDaysBetween: (values, reading) => {
    const { calendar } = daysOf(reading);
    const between = span(values);
    if (!between) return null;
    // Day 1 is the first working day after the earlier date, as for a deadline; the later date counts.
    return between.days >= 0
      ? workingDaysBetween(between.from, between.to, calendar)
      : -workingDaysBetween(between.to, between.from, calendar);
  },
};
