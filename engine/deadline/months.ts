/**
 * Calendar months, as Mohla counts them: N months after a date is the same day of the month N months
 * on, or the last day of that month when it is shorter (31 January + 1 month = 28 February, or 29 in a
 * leap year), the usual reading of a legal time limit in months. Written here rather than taken from a
 * library: the rule is these few lines, and the one standard API with it (Temporal's `constrain`
 * overflow) is not available in Node 24 without a flag, in the workflow sandbox least of all.
 */
import type { LocalDate } from '../calendar.js';

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

function parts(date: LocalDate): [number, number, number] {
  const m = LOCAL_DATE.exec(date);
  if (!m) throw new RangeError(`"${date}" is not a local date (YYYY-MM-DD)`);
  return [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
}

/** `months` calendar months after `date` (before it when negative), kept within the month it lands in. */
export function addMonths(date: LocalDate, months: number): LocalDate {
  const [year, month, day] = parts(date);
  const index = year * 12 + month + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = index - targetYear * 12;
  // Day 0 of the next month is the last day of this one.
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  return new Date(Date.UTC(targetYear, targetMonth, Math.min(day, lastDay))).toISOString().slice(0, 10);
}

/** How many days lie after `from` up to and including `to` (0 when they are the same day). */
function daysBetween(from: LocalDate, to: LocalDate): number {
  const [fy, fm, fd] = parts(from);
  const [ty, tm, td] = parts(to);
  return Math.round((Date.UTC(ty, tm, td) - Date.UTC(fy, fm, fd)) / DAY_MS);
}

/** The calendar days `months` months make when counted from `date`: what a pause pushes back day for day. */
export function monthsAsDays(date: LocalDate, months: number): number {
  return daysBetween(date, addMonths(date, months));
}
