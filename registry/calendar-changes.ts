/**
 * How a calendar version becomes the next one: an administrator's change (a holiday confirmed after the
 * moon sighting, a closure), or the provisional holidays of a newer shipped calendar file. Pure: the
 * store (calendars.ts) records the result as a new version and the API tells running applications.
 */
import { addCalendarDays, calendarDaysBetween, calendarHorizon, formatLocalDate, type Calendar, type Closure, type DatedHoliday, type LocalDate } from '../engine/calendar.js';
import { canonicalJson } from '../engine/canonical-json.js';

/** A change an administrator makes: a holiday (Hijri dates are confirmed days before) or a closure. */
export type CalendarChange =
  | { kind: 'holiday'; holiday: DatedHoliday }
  | { kind: 'closure'; closure: Closure };

/**
 * Two entries of one holiday this close belong to the same year's occurrence: a sighting moves a date
 * by a day or two, and the same Islamic holiday comes back only after about 354 days. The Gregorian
 * year cannot tell occurrences apart: 2033 has two Eid al-Fitr, in January and in December.
 */
const OCCURRENCE_WINDOW_DAYS = 10;

export function sameOccurrence(a: DatedHoliday, b: DatedHoliday): boolean {
  return a.name.en === b.name.en && Math.abs(calendarDaysBetween(a.date, b.date)) <= OCCURRENCE_WINDOW_DAYS;
}

const byDate = <T extends { date: LocalDate }>(a: T, b: T) => a.date.localeCompare(b.date);

/**
 * A dated holiday added, confirmed or moved. It replaces the provisional days of its occurrence and any
 * entry on its own date; confirmed days of the occurrence stay. The occurrence keeps as many days as it
 * had: the missing ones follow as provisional, so confirming the first day of a two-day Eid a day later
 * moves both days, and confirming the second day afterwards makes the pair confirmed.
 */
function withHoliday(calendar: Calendar, holiday: DatedHoliday): DatedHoliday[] {
  const occurrence = calendar.datedHolidays.filter((h) => sameOccurrence(h, holiday));
  const others = calendar.datedHolidays.filter((h) => !sameOccurrence(h, holiday) && h.date !== holiday.date);
  const days = [...occurrence.filter((h) => h.status === 'confirmed' && h.date !== holiday.date), holiday].sort(byDate);
  const length = new Set(occurrence.map((h) => h.date)).size;
  for (let next = addCalendarDays((days[days.length - 1] as DatedHoliday).date, 1); days.length < length; next = addCalendarDays(next, 1)) {
    days.push({
      date: next,
      name: holiday.name,
      status: 'provisional',
      note: `Day ${days.length + 1} of ${holiday.name.en}, after ${formatLocalDate(holiday.date)}; provisional until announced.`,
    });
  }
  return [...others, ...days].sort(byDate);
}

/** The next version of the calendar with the change applied. */
export function applyCalendarChange(calendar: Calendar, change: CalendarChange): Calendar {
  const next: Calendar = structuredClone(calendar);
  next.version = calendar.version + 1;
  if (change.kind === 'holiday') {
    next.datedHolidays = withHoliday(calendar, change.holiday);
  } else {
    next.closures = [...next.closures.filter((c) => c.date !== change.closure.date), change.closure].sort(byDate);
  }
  return next;
}

export function describeChange(change: CalendarChange): string {
  return change.kind === 'holiday'
    ? `${change.holiday.date}: ${change.holiday.name.en} (${change.holiday.status})`
    : `${change.closure.date}: closure, ${change.closure.reason.en}`;
}

/**
 * The earliest date whose holidays or closures differ between two versions: running deadlines due
 * before it cannot be moved by the change. Undefined when no dated entry differs.
 */
export function firstChangedDate(before: Calendar, after: Calendar): LocalDate | undefined {
  const entries = (c: Calendar) => [...c.datedHolidays, ...c.closures].map((e) => ({ date: e.date, key: canonicalJson(e) }));
  const was = entries(before);
  const is = entries(after);
  const differ = [...was.filter((e) => !is.some((o) => o.key === e.key)), ...is.filter((e) => !was.some((o) => o.key === e.key))];
  return differ.reduce<LocalDate | undefined>((min, e) => (min === undefined || e.date < min ? e.date : min), undefined);
}

/** The shipped file's dated holidays, one group per occurrence. */
function occurrencesOf(holidays: DatedHoliday[]): DatedHoliday[][] {
  const groups: DatedHoliday[][] = [];
  for (const h of [...holidays].sort(byDate)) {
    const group = groups.find((g) => sameOccurrence(g[0] as DatedHoliday, h));
    if (group) group.push(h);
    else groups.push([h]);
  }
  return groups;
}

/**
 * What a newer shipped calendar file brings to the stored version: the occurrences of Islamic holidays
 * the stored version does not have, or has only as generated forecasts, and a later horizon. What an
 * administrator entered (a confirmation, a closure) and every hand-written entry stay as stored.
 * Undefined when the file brings nothing; otherwise the next version.
 */
export function withShippedForecasts(stored: Calendar, shipped: Calendar): Calendar | undefined {
  let holidays = [...stored.datedHolidays];
  for (const occurrence of occurrencesOf(shipped.datedHolidays)) {
    const first = occurrence[0] as DatedHoliday;
    const storedDays = holidays.filter((h) => sameOccurrence(h, first));
    if (storedDays.some((h) => !h.generated)) continue;
    holidays = [...holidays.filter((h) => !storedDays.includes(h)), ...occurrence].sort(byDate);
  }
  const storedHorizon = calendarHorizon(stored);
  const shippedHorizon = calendarHorizon(shipped);
  const horizon = shippedHorizon !== undefined && (storedHorizon === undefined || shippedHorizon > storedHorizon) ? shippedHorizon : storedHorizon;
  const next: Calendar = { ...structuredClone(stored), datedHolidays: holidays };
  if (horizon !== undefined && shipped.horizon !== undefined) next.horizon = horizon;
  if (canonicalJson(next) === canonicalJson(stored)) return undefined;
  return { ...next, version: stored.version + 1 };
}
