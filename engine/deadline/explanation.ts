/** How a due date was reached, in English lines a citizen reads. */
import {
  addCalendarDays,
  calendarHorizon,
  dayStatus,
  datesFromTo,
  describeReason,
  describeWeekend,
  formatDateRange,
  formatLocalDate,
  isWorkingDay,
  isWorkingWeekday,
  localDateOf,
  localTimeOf,
  nthCountedDayAfter,
  type Calendar,
  type LocalDate,
  type NonWorkingReason,
} from '../calendar.js';
import { countsEveryDay, type DeadlineBudget, type ReadBudget, type Unit } from './budget.js';
import { anchorMs, excludedBy, extensionAmount, totalUnits, type Fold, type PauseSpan, type DueDateCount } from './counting.js';
import { describeDuration, plural } from './duration.js';
import { addMonths } from './months.js';

/** What the explanation reads of the computation it explains. */
export interface ExplainedComputation {
  budget: DeadlineBudget;
  countsFrom: { date: LocalDate };
  paused: boolean;
  pauses: PauseSpan[];
  remainingAtPause?: number;
}

export function unitWords(unit: Unit, n: number): string {
  if (unit === 'working') return plural(n, 'working day');
  if (unit === 'calendar') return plural(n, 'calendar day');
  if (unit === 'months') return plural(n, 'calendar month');
  return describeDuration(n);
}

export function atTime(ms: number, zone: string, withSeconds: boolean): string {
  const time = localTimeOf(ms, zone);
  return withSeconds ? time : time.slice(0, 5);
}

/** The holidays and closures among `dates`, grouped into runs of the same entry. */
export function holidayRuns(
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

export function explain(
  budget: ReadBudget,
  fold: Fold,
  count: DueDateCount,
  calendar: Calendar,
  result: ExplainedComputation,
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
      `extended by ${isDuration ? describeDuration(extensionAmount(budget, e)) : unitWords(budget.unit, e.units)}${e.reason ? `: ${e.reason}` : ''}`,
    );
  }

  const units = totalUnits(budget, fold);
  const excluded = excludedBy(count.spans);
  const dated: { date: LocalDate; text: string }[] = [...fold.ignored];
  const time = `${atTime(startMs, zone, false)} in ${zone}`;
  if (isDuration) {
    lines.push('an exact span of time: nights, weekends and holidays run too');
  } else if (units === 0) {
    lines.push(
      `no day to count: the deadline ends with the starting day, ${formatLocalDate(startDate)} (started at ${time})`,
    );
  } else {
    const counted = (d: LocalDate) => !excluded(d) && (countsEveryDay(budget.unit) || isWorkingDay(d, calendar));
    const day1 = nthCountedDayAfter(startDate, 1, counted);
    lines.push(
      budget.unit === 'working'
        ? `counted from ${formatLocalDate(startDate)} (${time}): day 1 is ${longDate(day1)}, the first working day after that date; ${describeWeekend(calendar)}, holidays and closures are not counted`
        : budget.unit === 'months'
          ? `counted from ${formatLocalDate(startDate)} (${time}): ${unitWords('months', units)} ${units === 1 ? 'runs' : 'run'} to ${longDate(addMonths(startDate, units))}, the same day of the month or the last day of a shorter month; every day counts, weekends and holidays included${count.spans.length ? ', and each paused day moves the end one day later' : ''}`
          : `counted from ${formatLocalDate(startDate)} (${time}): day 1 is ${longDate(day1)}; every day counts, weekends and holidays included`,
    );
  }
  if (!isDuration) {
    // Only the days off that changed something: inside the counted span for working days, and the days
    // the deadline rolled over (or ended on) for calendar days.
    const span =
      budget.unit === 'working'
        ? datesFromTo(addCalendarDays(startDate, 1), count.dueDate)
        : count.dueDate === count.lastCountedDate && isWorkingDay(count.dueDate, calendar)
          ? []
          : datesFromTo(count.lastCountedDate, count.dueDate);
    for (const run of holidayRuns(
      span.filter((d) => !excluded(d)),
      calendar,
    )) {
      if (run.takesAWorkingDay || countsEveryDay(budget.unit)) {
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
        text: `paused since ${since}${why}; ${unitWords(budget.unit === 'months' ? 'calendar' : budget.unit, remaining)} left when it resumes`,
      });
    }
  }
  dated.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  lines.push(...dated.map((d) => d.text));

  if (countsEveryDay(budget.unit) && count.lastCountedDate !== count.dueDate) {
    const lastDay =
      budget.unit === 'months'
        ? `${longDate(count.lastCountedDate)}, the last day counted,`
        : units > 0
          ? `day ${units}, ${longDate(count.lastCountedDate)},`
          : longDate(count.lastCountedDate);
    lines.push(`${lastDay} is not a working day: the deadline moves to the end of the next working day`);
  } else if (countsEveryDay(budget.unit) && !isWorkingDay(count.dueDate, calendar)) {
    lines.push(`${longDate(count.dueDate)} is not a working day, but this deadline is not rolled forward`);
  }
  if (fold.expiredAtMs !== undefined) {
    lines.push(
      `expired on ${longDate(localDateOf(fold.expiredAtMs, zone))} at ${atTime(fold.expiredAtMs, zone, false)}`,
    );
  }
  const horizon = calendarHorizon(calendar);
  if (!isDuration && horizon !== undefined && count.dueDate > horizon) {
    lines.push(
      `the calendar (${calendar.id} v${calendar.version}) covers days up to ${longDate(horizon)}: the Islamic holidays after that date are not in it yet, so this due date may still move`,
    );
  }
  const dueText = `due ${longDate(count.dueDate)} at ${atTime(count.dueMs, zone, isDuration)} (${zone})`;
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
