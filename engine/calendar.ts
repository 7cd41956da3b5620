/**
 * Working-day arithmetic on a versioned calendar, in the calendar's own time zone. Pure: the zone rules
 * come from the runtime's ICU through Intl, never from a fixed offset, because Morocco leaves UTC+1 for
 * UTC+0 during Ramadan and a fixed offset would put evening filings on the wrong day for a month a year.
 *
 * Calendars are treated as immutable values: a changed calendar is a new object (and a new version).
 */
import type { Calendar, FixedHoliday, LocalizedText } from './calendar.generated.js';

export type { Calendar, Closure, DatedHoliday } from './calendar.generated.js';

/** A date on the wall calendar of the calendar's zone: `YYYY-MM-DD`. */
export type LocalDate = string;

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export type HolidayStatus = 'fixed' | 'provisional' | 'confirmed';

/** Why a day is not worked; a day can have several reasons (a holiday on a Saturday). */
export type NonWorkingReason =
  | { kind: 'weekend'; weekday: IsoWeekday }
  | { kind: 'holiday'; name: LocalizedText; status: HolidayStatus }
  | { kind: 'closure'; reason: LocalizedText };

export interface DayStatus {
  date: LocalDate;
  working: boolean;
  /** Empty on a working day. */
  reasons: NonWorkingReason[];
}

const DAY_MS = 86_400_000;
/** Past this many days a count is a data error (a calendar without working days), not a deadline. */
const MAX_SCAN_DAYS = 366 * 500;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

// ---------------------------------------------------------------------------------------------------
// Local dates, as day numbers counted from 1970-01-01 so arithmetic never meets a time zone.

function dayNumber(date: LocalDate): number {
  const m = LOCAL_DATE.exec(date);
  if (!m) throw new RangeError(`"${date}" is not a local date (YYYY-MM-DD)`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
}

function fromDayNumber(day: number): LocalDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The date itself when `text` is a real date written YYYY-MM-DD (no 30 February), otherwise undefined. */
export function parseLocalDate(text: string): LocalDate | undefined {
  const m = LOCAL_DATE.exec(text);
  if (!m) return undefined;
  const day = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
  return fromDayNumber(day) === text ? text : undefined;
}

export function addCalendarDays(date: LocalDate, days: number): LocalDate {
  return fromDayNumber(dayNumber(date) + days);
}

/** How many days `to` lies after `from` (negative when before). */
export function calendarDaysBetween(from: LocalDate, to: LocalDate): number {
  return dayNumber(to) - dayNumber(from);
}

export function isoWeekday(date: LocalDate): IsoWeekday {
  // Day 0, 1970-01-01, was a Thursday (ISO 4).
  return (((((dayNumber(date) + 3) % 7) + 7) % 7) + 1) as IsoWeekday;
}

// ---------------------------------------------------------------------------------------------------
// Instants and the zone.

const wallClocks = new Map<string, Intl.DateTimeFormat>();

function wallClock(zone: string): Intl.DateTimeFormat {
  let format = wallClocks.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    wallClocks.set(zone, format);
  }
  return format;
}

/** Whether the runtime knows this IANA zone. */
function isKnownZone(zone: string): boolean {
  try {
    wallClock(zone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock reading of an instant in the zone, as if that reading were UTC (milliseconds kept). */
function wallTimeMs(instantMs: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const p of wallClock(zone).formatToParts(new Date(instantMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const wholeSeconds = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return wholeSeconds + (((instantMs % 1000) + 1000) % 1000);
}

/** The zone's offset from UTC at that instant, in milliseconds (+1 h in Casablanca, 0 during Ramadan). */
export function zoneOffsetMs(instantMs: number, zone: string): number {
  return wallTimeMs(instantMs, zone) - instantMs;
}

export function localDateOf(instantMs: number, zone: string): LocalDate {
  return fromDayNumber(Math.floor(wallTimeMs(instantMs, zone) / DAY_MS));
}

/** `HH:MM:SS` on the zone's wall clock. */
export function localTimeOf(instantMs: number, zone: string): string {
  return new Date(wallTimeMs(instantMs, zone)).toISOString().slice(11, 19);
}

/**
 * The instant at which the zone's wall clock reads `date` + `msIntoDay`. The offset is looked up at the
 * instant it produces, so a wall time on either side of a change of offset lands on the right instant.
 */
function instantOfLocalTime(date: LocalDate, msIntoDay: number, zone: string): number {
  const wall = dayNumber(date) * DAY_MS + msIntoDay;
  const guess = wall - zoneOffsetMs(wall, zone);
  return wall - zoneOffsetMs(guess, zone);
}

/** 23:59:59.999 local on that date: when a deadline of that day ends. */
export function endOfLocalDay(date: LocalDate, zone: string): number {
  return instantOfLocalTime(date, DAY_MS - 1, zone);
}

export function startOfLocalDay(date: LocalDate, zone: string): number {
  return instantOfLocalTime(date, 0, zone);
}

function formatOffset(offsetMs: number): string {
  const minutes = Math.round(offsetMs / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** ISO 8601 with the zone's offset at that instant, e.g. `2026-04-14T23:59:59.999+01:00`. */
export function formatInstant(instantMs: number, zone: string): string {
  const offset = zoneOffsetMs(instantMs, zone);
  return `${new Date(instantMs + offset).toISOString().slice(0, 23)}${formatOffset(offset)}`;
}

const INSTANT = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?$/i;

/**
 * Reads an ISO 8601 instant. An explicit offset (or Z) is taken as written. Without one, the text is the
 * zone's wall-clock time (what a Moroccan agent means by "16 March at 10:00"), and a bare date is the
 * start of that local day. Undefined when the text is not a real instant.
 */
export function parseInstant(text: string, zone: string): number | undefined {
  const m = INSTANT.exec(text.trim());
  if (!m) return undefined;
  const [, date, hh, mi, ss, fraction, offset] = m;
  if (date === undefined || parseLocalDate(date) === undefined) return undefined;
  const hours = Number(hh ?? 0);
  const minutes = Number(mi ?? 0);
  const seconds = Number(ss ?? 0);
  if (hours > 23 || minutes > 59 || seconds > 59) return undefined;
  const millis = fraction === undefined ? 0 : Number(fraction.padEnd(3, '0').slice(0, 3));
  const msIntoDay = ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
  if (offset === undefined) return instantOfLocalTime(date, msIntoDay, zone);
  let offsetMs = 0;
  if (offset.toUpperCase() !== 'Z') {
    const oh = Number(offset.slice(1, 3));
    const om = Number(offset.slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offsetMs = (offset.startsWith('-') ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  return dayNumber(date) * DAY_MS + msIntoDay - offsetMs;
}

// ---------------------------------------------------------------------------------------------------
// Working days.

interface CalendarIndex {
  workingWeek: ReadonlySet<number>;
  byDate: ReadonlyMap<LocalDate, NonWorkingReason[]>;
  byMonthDay: ReadonlyMap<string, FixedHoliday[]>;
}

const indexes = new WeakMap<Calendar, CalendarIndex>();

function indexOf(calendar: Calendar): CalendarIndex {
  let index = indexes.get(calendar);
  if (index) return index;
  const byDate = new Map<LocalDate, NonWorkingReason[]>();
  const push = (date: LocalDate, reason: NonWorkingReason) => byDate.set(date, [...(byDate.get(date) ?? []), reason]);
  for (const h of calendar.datedHolidays) push(h.date, { kind: 'holiday', name: h.name, status: h.status });
  for (const c of calendar.closures) push(c.date, { kind: 'closure', reason: c.reason });
  const byMonthDay = new Map<string, FixedHoliday[]>();
  for (const h of calendar.fixedHolidays) {
    const key = `${String(h.month).padStart(2, '0')}-${String(h.day).padStart(2, '0')}`;
    byMonthDay.set(key, [...(byMonthDay.get(key) ?? []), h]);
  }
  index = { workingWeek: new Set(calendar.workingWeek), byDate, byMonthDay };
  indexes.set(calendar, index);
  return index;
}

/**
 * The last date the calendar covers. Versions stored before calendars stated it cover the years for
 * which they list Islamic holidays; a calendar with none (a test's) states nothing about its years.
 */
export function calendarHorizon(calendar: Calendar): LocalDate | undefined {
  if (calendar.horizon !== undefined) return calendar.horizon;
  const last = calendar.datedHolidays.reduce<LocalDate | undefined>((max, h) => (max === undefined || h.date > max ? h.date : max), undefined);
  return last === undefined ? undefined : `${last.slice(0, 4)}-12-31`;
}

/** Whether the day is worked and, when not, every reason why (weekend first, then holidays, closures). */
export function dayStatus(date: LocalDate, calendar: Calendar): DayStatus {
  const index = indexOf(calendar);
  const reasons: NonWorkingReason[] = [];
  const weekday = isoWeekday(date);
  if (!index.workingWeek.has(weekday)) reasons.push({ kind: 'weekend', weekday });
  const year = Number(date.slice(0, 4));
  for (const h of index.byMonthDay.get(date.slice(5)) ?? []) {
    if (h.since === undefined || year >= h.since) reasons.push({ kind: 'holiday', name: h.name, status: 'fixed' });
  }
  reasons.push(...(index.byDate.get(date) ?? []));
  return { date, working: reasons.length === 0, reasons };
}

export function isWorkingDay(date: LocalDate, calendar: Calendar): boolean {
  return dayStatus(date, calendar).working;
}

/** Whether the weekday belongs to the working week, holidays aside. */
export function isWorkingWeekday(date: LocalDate, calendar: Calendar): boolean {
  return indexOf(calendar).workingWeek.has(isoWeekday(date));
}

/**
 * The `n`-th day strictly after `date` that `counts`; `date` itself when n is 0. Shared by working-day
 * and calendar-day counting so both skip excluded days (pauses) the same way.
 */
export function nthCountedDayAfter(date: LocalDate, n: number, counts: (day: LocalDate) => boolean): LocalDate {
  let day = dayNumber(date);
  for (let counted = 0, scanned = 0; counted < n;) {
    day += 1;
    if (++scanned > MAX_SCAN_DAYS) throw new RangeError('no day counts in 500 years: is the calendar empty?');
    if (counts(fromDayNumber(day))) counted += 1;
  }
  return fromDayNumber(day);
}

/** The first day on or after `date` that `counts`. */
export function firstCountedDayFrom(date: LocalDate, counts: (day: LocalDate) => boolean): LocalDate {
  return counts(date) ? date : nthCountedDayAfter(date, 1, counts);
}

/**
 * The last day strictly before `date` such that exactly `n` counted days lie after it, up to and
 * including `date`, moved back further to a day that counts itself; `date` itself when n is 0.
 */
export function nthCountedDayBefore(date: LocalDate, n: number, counts: (day: LocalDate) => boolean): LocalDate {
  if (n === 0) return date;
  let day = dayNumber(date);
  let counted = 0;
  for (let scanned = 0; counted < n || !counts(fromDayNumber(day)); scanned++) {
    if (scanned > MAX_SCAN_DAYS) throw new RangeError('no day counts in 500 years: is the calendar empty?');
    if (counted < n && counts(fromDayNumber(day))) counted += 1;
    day -= 1;
  }
  return fromDayNumber(day);
}

/** The first working day strictly after `date`. */
export function nextWorkingDay(date: LocalDate, calendar: Calendar): LocalDate {
  return nthCountedDayAfter(date, 1, (d) => isWorkingDay(d, calendar));
}

/** The `n`-th working day strictly after `date` (day 1 is the next working day); `date` when n is 0. */
export function addWorkingDays(date: LocalDate, n: number, calendar: Calendar): LocalDate {
  return nthCountedDayAfter(date, n, (d) => isWorkingDay(d, calendar));
}

/** The working day from which `date` is `n` working days away (`date` when n is 0). */
export function subtractWorkingDays(date: LocalDate, n: number, calendar: Calendar): LocalDate {
  return nthCountedDayBefore(date, n, (d) => isWorkingDay(d, calendar));
}

/** How many working days lie after `from`, up to and including `to`. */
export function workingDaysBetween(from: LocalDate, to: LocalDate, calendar: Calendar): number {
  let count = 0;
  for (let day = dayNumber(from) + 1; day <= dayNumber(to); day++)
    if (isWorkingDay(fromDayNumber(day), calendar)) count++;
  return count;
}

/** Every date from `from` to `to`, both included. */
export function datesFromTo(from: LocalDate, to: LocalDate): LocalDate[] {
  const dates: LocalDate[] = [];
  for (let day = dayNumber(from); day <= dayNumber(to); day++) dates.push(fromDayNumber(day));
  return dates;
}

// ---------------------------------------------------------------------------------------------------
// Checks the JSON Schema cannot express.

export interface CalendarProblem {
  pointer: string;
  message: string;
}

export function checkCalendar(calendar: Calendar): CalendarProblem[] {
  const problems: CalendarProblem[] = [];
  if (!isKnownZone(calendar.zone))
    problems.push({ pointer: '/zone', message: `"${calendar.zone}" is not a known IANA time zone` });
  if (calendar.horizon !== undefined && parseLocalDate(calendar.horizon) === undefined)
    problems.push({ pointer: '/horizon', message: `${calendar.horizon} is not a real date` });
  calendar.fixedHolidays.forEach((h, i) => {
    // 29 February is allowed: such a holiday is simply observed in leap years only.
    if (parseLocalDate(`2024-${String(h.month).padStart(2, '0')}-${String(h.day).padStart(2, '0')}`) === undefined) {
      problems.push({ pointer: `/fixedHolidays/${i}/day`, message: `month ${h.month} has no day ${h.day}` });
    }
  });
  calendar.datedHolidays.forEach((h, i) => {
    if (parseLocalDate(h.date) === undefined)
      problems.push({ pointer: `/datedHolidays/${i}/date`, message: `${h.date} is not a real date` });
  });
  calendar.closures.forEach((c, i) => {
    if (parseLocalDate(c.date) === undefined)
      problems.push({ pointer: `/closures/${i}/date`, message: `${c.date} is not a real date` });
  });
  return problems;
}

// ---------------------------------------------------------------------------------------------------
// English wording for explanations a citizen reads.

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function weekdayName(weekday: IsoWeekday): string {
  return WEEKDAYS[weekday - 1] as string;
}

/** "16 March 2026", or "Monday 16 March 2026" with the weekday. */
export function formatLocalDate(date: LocalDate, options: { weekday?: boolean } = {}): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const text = `${d} ${MONTHS[m - 1]} ${y}`;
  return options.weekday ? `${weekdayName(isoWeekday(date))} ${text}` : text;
}

/** "20–21 March 2026", "31 March – 1 April 2025", or one date when both ends are the same. */
export function formatDateRange(from: LocalDate, to: LocalDate): string {
  if (from === to) return formatLocalDate(from);
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  if (fy === ty && fm === tm) return `${fd}–${td} ${MONTHS[tm - 1]} ${ty}`;
  if (fy === ty) return `${fd} ${MONTHS[fm - 1]} – ${td} ${MONTHS[tm - 1]} ${ty}`;
  return `${formatLocalDate(from)} – ${formatLocalDate(to)}`;
}

/** The days outside the working week, in words: "Saturdays and Sundays". */
export function describeWeekend(calendar: Calendar): string {
  const off = ([1, 2, 3, 4, 5, 6, 7] as IsoWeekday[]).filter((d) => !indexOf(calendar).workingWeek.has(d));
  const names = off.map((d) => `${weekdayName(d)}s`);
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** The holiday's or closure's own words: "Eid al-Fitr (provisional)", "closed: <reason>". */
export function describeReason(reason: NonWorkingReason): string {
  switch (reason.kind) {
    case 'weekend':
      return 'weekend';
    case 'holiday':
      return reason.status === 'fixed' ? reason.name.en : `${reason.name.en} (${reason.status})`;
    case 'closure':
      return `administrations closed (${reason.reason.en})`;
  }
}
