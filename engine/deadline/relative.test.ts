import { describe, expect, it } from 'vitest';
import type { Calendar } from '../calendar.js';
import { DomainError } from '../errors.js';
import type { DeadlineBudget } from './budget.js';
import type { LedgerEntry } from './ledger.js';
import { computeRelativeDeadline, type Direction } from './relative.js';
import { scheduleDeadline } from './schedule.js';
import { shippedCalendar } from '../../test/helpers/shipped-calendar.js';

const ma = shippedCalendar();
const dated = (date: string, at = '2026-04-01T09:00:00+01:00', previousDate?: string): LedgerEntry => ({
  type: 'dated',
  at,
  date,
  ...(previousDate ? { previousDate } : {}),
});
const started: LedgerEntry = { type: 'started', at: '2026-04-01T09:00:00+01:00' };

// Counted by hand on the shipped calendar. May 2026 begins on a Friday (Labour Day); Eid al-Adha is
// provisionally Wednesday 27 – Thursday 28 May; Morocco is on UTC+1 all month.
const cases: Array<{ name: string; budget: DeadlineBudget; direction: Direction; ledger: LedgerEntry[]; dueAt: string; mentions?: string[] }> = [
  {
    name: 'summons 10 calendar days before a Wednesday session: day 10 is a Sunday, so it moves back to Friday',
    budget: { calendarDays: 10 },
    direction: 'before',
    ledger: [started, dated('2026-05-20')],
    dueAt: '2026-05-08T23:59:59.999+01:00',
    mentions: [
      '10 calendar days before Wednesday 20 May 2026, the date in the application',
      'counted back from 20 May 2026: day 1 is Tuesday 19 May 2026',
      'day 10, Sunday 10 May 2026, is not a working day: the deadline moves back to the end of the working day before',
      'due Friday 8 May 2026 at 23:59 (Africa/Casablanca)',
    ],
  },
  {
    name: 'the same without rolling: due on the Sunday itself',
    budget: { calendarDays: 10, rollForward: false },
    direction: 'before',
    ledger: [started, dated('2026-05-20')],
    dueAt: '2026-05-10T23:59:59.999+01:00',
    mentions: ['Sunday 10 May 2026 is not a working day, but this deadline is not moved'],
  },
  {
    name: 'posting 8 calendar days after the session: day 8 is Eid al-Adha, so it moves on to Friday',
    budget: { calendarDays: 8 },
    direction: 'after',
    ledger: [started, dated('2026-05-20')],
    dueAt: '2026-05-29T23:59:59.999+01:00',
    mentions: ['28 May 2026: Eid al-Adha (provisional)', 'day 8, Thursday 28 May 2026, is not a working day: the deadline moves to the end of the next working day'],
  },
  {
    name: '5 working days before a Monday session skip the weekend and both days of Eid',
    budget: { workingDays: 5 },
    direction: 'before',
    ledger: [started, dated('2026-06-01')],
    dueAt: '2026-05-21T23:59:59.999+01:00',
    mentions: ['day 1 is Friday 29 May 2026, the first working day before that date', '27–28 May 2026: Eid al-Adha (provisional)'],
  },
  {
    name: '3 working days after a Tuesday session: Eid, then Friday, Monday and Tuesday',
    budget: { workingDays: 3 },
    direction: 'after',
    ledger: [started, dated('2026-05-26')],
    dueAt: '2026-06-02T23:59:59.999+01:00',
    mentions: ['day 1 is Friday 29 May 2026, the first working day after that date'],
  },
  {
    name: 'a calendar month before a session on 31 May lands on the last day of April, a Thursday',
    budget: { months: 1 },
    direction: 'before',
    ledger: [started, dated('2026-05-31')],
    dueAt: '2026-04-30T23:59:59.999+01:00',
    mentions: ['counted back from 31 May 2026 in calendar months: the same day of the month 1 month(s) earlier, or the last day of a shorter month'],
  },
  {
    name: 'a calendar month after a Wednesday session lands on a Saturday, moved on to Monday',
    budget: { months: 1 },
    direction: 'after',
    ledger: [started, dated('2026-05-20')],
    dueAt: '2026-06-22T23:59:59.999+01:00',
    mentions: ['Saturday 20 June 2026 is not a working day: the deadline moves to the end of the next working day'],
  },
  {
    name: 'a duration counts back from the date-time itself',
    budget: { duration: 'PT48H' },
    direction: 'before',
    ledger: [started, dated('2026-05-20T10:00:00+01:00')],
    dueAt: '2026-05-18T10:00:00.000+01:00',
  },
  {
    name: 'waiting until a bare date ends when that day begins',
    budget: { duration: 'PT0S' },
    direction: 'after',
    ledger: [started, dated('2026-05-20')],
    dueAt: '2026-05-20T00:00:00.000+01:00',
    mentions: ['until Wednesday 20 May 2026 at 00:00:00 (Africa/Casablanca), the date in the application'],
  },
  {
    name: 'a changed date counts from the new one, and says so',
    budget: { calendarDays: 10 },
    direction: 'before',
    ledger: [started, dated('2026-05-20'), dated('2026-06-10', '2026-04-20T11:00:00+01:00', '2026-05-20')],
    dueAt: '2026-05-29T23:59:59.999+01:00',
    mentions: ['the date changed on Monday 20 April 2026: 2026-05-20 → 2026-06-10', 'day 10, Sunday 31 May 2026, is not a working day'],
  },
];

describe('deadlines counted from a date in the data', () => {
  it.each(cases)('$name', ({ budget, direction, ledger, dueAt, mentions }) => {
    const computed = computeRelativeDeadline(budget, direction, ledger, ma);
    expect(computed.dueAt).toBe(dueAt);
    expect(computed.paused).toBe(false);
    expect(computed.expiresAtMs).toBe(Date.parse(dueAt));
    expect(computed.explanation.at(-1)).toMatch(/^due /);
    for (const text of mentions ?? []) expect(computed.explanation.join('\n')).toContain(text);
  });

  it('warn counting back from their due date like any deadline: 2 working days before Friday 8 May is the end of Wednesday 6 May', () => {
    const schedule = scheduleDeadline(
      { budget: { calendarDays: 10 }, ledger: [started, dated('2026-05-20')], warnings: [{ before: { workingDays: 2 }, notify: ['supervisor'] }], relative: 'before' },
      ma,
    );
    expect(schedule.dueAt).toBe('2026-05-08T23:59:59.999+01:00');
    expect(schedule.rungs).toEqual([Date.parse('2026-05-06T23:59:59.999+01:00')]);
  });

  it('are rescheduled when a closure falls between the due date and the date, moving it earlier', () => {
    const closed: Calendar = {
      ...ma,
      version: ma.version + 1,
      closures: [...ma.closures, { date: '2026-05-26', reason: { ar: 'إغلاق', fr: 'Fermeture', en: 'Test closure' } }],
    };
    const request = { budget: { workingDays: 5 }, ledger: [started, dated('2026-06-01')], warnings: [], relative: 'before' as const };
    const schedule = scheduleDeadline(request, closed, ma);
    // Friday 29, (Tuesday 26 closed), Monday 25, Friday 22, Thursday 21, Wednesday 20.
    expect(schedule.dueAt).toBe('2026-05-20T23:59:59.999+01:00');
    expect(schedule.movedBy?.[0]).toBe(`due date moved from Thursday 21 May 2026 to Wednesday 20 May 2026 (calendar ${ma.id} v${ma.version + 1})`);
    expect(schedule.movedBy?.join('\n')).toContain('closure: Test closure');
  });

  it('say when they expired', () => {
    const computed = computeRelativeDeadline({ calendarDays: 8 }, 'after', [started, dated('2026-05-20'), { type: 'expired', at: '2026-05-29T22:59:59.999Z' }], ma);
    expect(computed.expired).toBe(true);
    expect(computed.explanation).toContain('expired on Friday 29 May 2026 at 23:59');
  });

  it('refuse a ledger without the date', () => {
    expect(() => computeRelativeDeadline({ calendarDays: 8 }, 'after', [started], ma)).toThrow(DomainError);
  });
});
