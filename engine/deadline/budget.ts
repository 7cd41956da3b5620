/** How long a deadline runs, as a definition writes it and as counting reads it. */
import { DomainError } from '../errors.js';
import { parseIsoDuration } from './duration.js';

/** How long a deadline runs. Same shapes as the procedure language's `Budget`. */
export type DeadlineBudget =
  | { workingDays: number }
  | { calendarDays: number; rollForward?: boolean }
  | { months: number; rollForward?: boolean }
  | { duration: string };

/** How long before the due instant a warning rung fires; read like a budget, counted backwards. */
export type WarningLead = DeadlineBudget;

/** Larger budgets are data errors, and would make counting scan centuries. */
export const MAX_UNITS = 100_000;

export const DAY_MS = 86_400_000;

/** The most calendar months a budget may count: 3,000 months are at most 91,342 days, within MAX_UNITS. */
export const MAX_MONTHS = 3_000;

export type Unit = 'working' | 'calendar' | 'months' | 'duration';

/** Whether every day counts, weekends and holidays included: calendar days, and the days of calendar months. */
export function countsEveryDay(unit: Unit): boolean {
  return unit === 'calendar' || unit === 'months';
}

export interface ReadBudget {
  unit: Unit;
  /** Days, months for calendar months, or milliseconds for a duration. */
  amount: number;
  rollForward: boolean;
}

export function invalid(message: string): never {
  throw new DomainError('invalid_input', message);
}

export function readBudget(budget: DeadlineBudget): ReadBudget {
  const days = (n: unknown, name: string, unit = 'days', max = MAX_UNITS): number => {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
      invalid(`${name} must be a whole number of ${unit}, 0 or more`);
    }
    if (n > max) invalid(`${name} must be at most ${max}`);
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
  if ('months' in budget) {
    return { unit: 'months', amount: days(budget.months, 'months', 'months', MAX_MONTHS), rollForward: budget.rollForward !== false };
  }
  if ('duration' in budget) {
    const ms = typeof budget.duration === 'string' ? parseIsoDuration(budget.duration) : undefined;
    if (ms === undefined) {
      invalid(`"${String(budget.duration)}" is not an ISO 8601 duration with days, hours, minutes or seconds`);
    }
    if (ms > MAX_UNITS * DAY_MS) invalid(`a duration must be at most ${MAX_UNITS} days`);
    return { unit: 'duration', amount: ms, rollForward: false };
  }
  return invalid('a budget has workingDays, calendarDays, months or duration');
}
