/** Warning ladders: when each rung fires before a deadline falls due. */
import { addCalendarDays, endOfLocalDay, formatInstant, isWorkingDay, localDateOf, nthCountedDayBefore, type Calendar, type LocalDate } from '../calendar.js';
import { readBudget, type WarningLead } from './budget.js';
import type { DeadlineComputation } from './computation.js';
import { excludedBy } from './counting.js';
import { addMonths } from './months.js';

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
 * - `{ months: N }`: the end of the same day of the month N months before the due date (or the last day
 *   of a shorter month);
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
  } else if (read.unit === 'months') {
    atMs = endOfLocalDay(addMonths(deadline.dueDate, -read.amount), zone);
  } else {
    const excluded = excludedBy(deadline.pauses);
    const day = nthCountedDayBefore(deadline.dueDate, read.amount, (d) => !excluded(d) && isWorkingDay(d, calendar));
    atMs = read.amount === 0 ? deadline.dueInstantMs : endOfLocalDay(day, zone);
  }
  return { atMs, at: formatInstant(atMs, zone), date: localDateOf(atMs, zone) };
}
