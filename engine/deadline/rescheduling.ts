/** What a calendar change does to a running deadline: its due instant computed again, and which entry moved it. */
import { addCalendarDays, datesFromTo, dayStatus, describeWeekend, formatDateRange, formatLocalDate, type Calendar, type LocalDate, type NonWorkingReason } from '../calendar.js';
import type { DeadlineBudget } from './budget.js';
import { computeDeadline, type ComputeOptions, type DeadlineComputation } from './computation.js';
import type { DeadlineLedger, LedgerEntry } from './ledger.js';

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

export interface Rescheduling {
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
 * changes on the days between the date counting runs from and the due dates are reported. `compute`
 * says how the deadline is counted on a calendar: from its ledger by default; a deadline counted back
 * from a date in the data passes its own (relative.ts).
 */
export function rescheduleDeadline(
  budget: DeadlineBudget,
  ledger: DeadlineLedger,
  previous: Calendar,
  next: Calendar,
  options: ComputeOptions = {},
  compute: (calendar: Calendar) => DeadlineComputation = (calendar) => computeDeadline(budget, ledger, calendar, options),
): Rescheduling {
  const before = compute(previous);
  const after = compute(next);
  // A deadline counted backwards falls due before the date it counts from: the window spans both ways.
  const dates = [before.countsFrom.date, after.countsFrom.date, before.dueDate, after.dueDate].sort();
  const window = datesFromTo(dates[0]!, dates[3]!);
  const moves = (candidate: Calendar) => compute(candidate).dueInstantMs !== before.dueInstantMs;

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

/** The ledger entry recording a rescheduling, for the deadline's history (its kind keeps the recorded name). */
export function rescheduledEntry(
  at: string,
  rescheduling: Rescheduling,
): Extract<LedgerEntry, { type: 'reprojected' }> {
  const movers = rescheduling.changes.filter((c) => c.movesDeadline);
  return {
    type: 'reprojected',
    at,
    calendarId: rescheduling.after.calendar.id,
    calendarVersion: rescheduling.after.calendar.version,
    previousDueAt: rescheduling.before.dueAt,
    newDueAt: rescheduling.after.dueAt,
    movedBy: (movers.length ? movers : rescheduling.changes).map((c) => c.description),
  };
}
