/**
 * Budgets in calendar months, counted by hand. Reference: 1 January 2027 is a Friday, so 31 January
 * 2027 is a Sunday, 28 February 2027 a Sunday and 1 March 2027 a Monday; Eid al-Fitr 2027 is provisionally
 * Wednesday 10 – Thursday 11 March. Morocco is on UTC+0 all through: local time is UTC.
 */
import { describe, expect, it } from 'vitest';
import { computeDeadline } from './computation.js';
import { addMonths } from './months.js';
import { warningInstant } from './warnings.js';
import type { LedgerEntry } from './ledger.js';
import { DomainError } from '../errors.js';
import { shippedCalendar } from '../../test/helpers/shipped-calendar.js';

const ma = shippedCalendar();
const started = (at: string): LedgerEntry => ({ type: 'started', at });
const JANUARY_31 = started('2027-01-31T10:00:00Z');

describe('calendar months', () => {
  it('keep the day of the month, or take the last day of a shorter month', () => {
    expect(addMonths('2027-01-31', 1)).toBe('2027-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
    expect(addMonths('2027-03-31', 1)).toBe('2027-04-30');
    expect(addMonths('2027-01-15', 12)).toBe('2028-01-15');
    expect(addMonths('2027-03-31', -1)).toBe('2027-02-28');
    expect(addMonths('2027-01-31', -2)).toBe('2026-11-30');
  });

  it('31 January 2027 + 1 month is Sunday 28 February, rolled forward to Monday 1 March', () => {
    const d = computeDeadline({ months: 1 }, [JANUARY_31], ma);
    expect(d.dueAt).toBe('2027-03-01T23:59:59.999+00:00');
    expect(d.explanation).toEqual([
      '1 calendar month from Sunday 31 January 2027',
      'counted from 31 January 2027 (10:00 in Africa/Casablanca): 1 calendar month runs to Sunday 28 February 2027, the same day of the month or the last day of a shorter month; every day counts, weekends and holidays included',
      'Sunday 28 February 2027, the last day counted, is not a working day: the deadline moves to the end of the next working day',
      'due Monday 1 March 2027 at 23:59 (Africa/Casablanca)',
    ]);
  });

  it('without the roll forward, ends on the Sunday', () => {
    const d = computeDeadline({ months: 1, rollForward: false }, [JANUARY_31], ma);
    expect(d.dueAt).toBe('2027-02-28T23:59:59.999+00:00');
    expect(d.explanation).toContain('Sunday 28 February 2027 is not a working day, but this deadline is not rolled forward');
  });

  it('31 January 2028 + 1 month is Tuesday 29 February: 2028 is a leap year', () => {
    expect(computeDeadline({ months: 1, rollForward: false }, [started('2028-01-31T10:00:00Z')], ma).dueAt).toBe('2028-02-29T23:59:59.999+00:00');
  });

  it('30 November 2026 + 3 months crosses the January holidays, which count like any day, and ends on Sunday 28 February: Monday 1 March', () => {
    const d = computeDeadline({ months: 3 }, [started('2026-11-30T10:00:00Z')], ma);
    expect(d.dueAt).toBe('2027-03-01T23:59:59.999+00:00');
    expect(d.explanation.join('\n')).not.toMatch(/New Year|Independence Manifesto|Amazigh/);
  });

  it('10 December 2026 + 3 months lands on Eid al-Fitr: both days of it are passed over, to Friday 12 March', () => {
    const d = computeDeadline({ months: 3 }, [started('2026-12-10T10:00:00Z')], ma);
    expect(d.dueAt).toBe('2027-03-12T23:59:59.999+00:00');
    expect(d.explanation).toEqual([
      '3 calendar months from Thursday 10 December 2026',
      'counted from 10 December 2026 (10:00 in Africa/Casablanca): 3 calendar months run to Wednesday 10 March 2027, the same day of the month or the last day of a shorter month; every day counts, weekends and holidays included',
      '10–11 March 2027: Eid al-Fitr (provisional)',
      'Wednesday 10 March 2027, the last day counted, is not a working day: the deadline moves to the end of the next working day',
      'due Friday 12 March 2027 at 23:59 (Africa/Casablanca)',
    ]);
  });

  it('a pause pushes the end back one day for each day paused', () => {
    // 28 days from 31 January; 10, 11 and 12 February are not counted: the 28th day counted is 3 March.
    const ledger: LedgerEntry[] = [JANUARY_31, { type: 'paused', at: '2027-02-10T09:00:00Z', reason: 'waiting for your documents' }, { type: 'resumed', at: '2027-02-12T15:00:00Z' }];
    const d = computeDeadline({ months: 1 }, ledger, ma);
    expect(d.dueAt).toBe('2027-03-03T23:59:59.999+00:00');
    expect(d.explanation).toContain('paused 10–12 February 2027: waiting for your documents');
  });

  it('an open pause leaves the days not yet spent, in calendar days', () => {
    const d = computeDeadline({ months: 1 }, [JANUARY_31, { type: 'paused', at: '2027-02-10T09:00:00Z', reason: 'waiting for your documents' }], ma);
    // 1 to 9 February are spent: 19 of the month's 28 days are left.
    expect(d.remainingAtPause).toBe(19);
    expect(d.explanation).toContain('paused since Wednesday 10 February 2027: waiting for your documents; 19 calendar days left when it resumes');
  });

  it('an extension adds months: 31 January + 2 months is Wednesday 31 March', () => {
    const d = computeDeadline({ months: 1 }, [JANUARY_31, { type: 'extended', at: '2027-02-20T09:00:00Z', units: 1, reason: 'technical-expertise' }], ma);
    expect(d.dueAt).toBe('2027-03-31T23:59:59.999+00:00');
    expect(d.explanation).toContain('extended by 1 calendar month: technical-expertise');
  });

  it('a rung one month before a 31 March due date warns at the end of 28 February', () => {
    const d = computeDeadline({ months: 2 }, [JANUARY_31], ma);
    expect(d.dueAt).toBe('2027-03-31T23:59:59.999+00:00');
    expect(warningInstant({ months: 1 }, d, ma)?.at).toBe('2027-02-28T23:59:59.999+00:00');
  });

  it('refuses more months than the engine counts', () => {
    expect(() => computeDeadline({ months: 3001 }, [JANUARY_31], ma)).toThrow(DomainError);
    expect(() => computeDeadline({ months: 3001 }, [JANUARY_31], ma)).toThrow('months must be at most 3000');
  });
});
