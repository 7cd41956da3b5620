import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/config.js';
import { calendarHorizon, checkCalendar, dayStatus, type Calendar } from '../calendar.js';
import type { ProcedureDefinition } from '../definition.generated.js';
import { computeDeadline } from './computation.js';
import { horizonWarnings } from './horizon.js';
import { scheduleDeadline } from './schedule.js';

const read = <T>(file: string) => JSON.parse(readFileSync(path.join(PROJECT_ROOT, file), 'utf8')) as T;
const ma = read<Calendar>('procedures/calendars/ma.json');
const accessToInformation = read<ProcedureDefinition>('procedures/access-to-information.v2.json');
const started = (at: string) => ({ type: 'started' as const, at });

describe('2028 on the shipped calendar', () => {
  it('skips the forecast Eid al-Fitr: five working days from Thursday 24 February end on Friday 3 March', () => {
    const due = computeDeadline({ workingDays: 5 }, [started('2028-02-24T10:00:00+00:00')], ma);
    expect(due.dueDate).toBe('2028-03-03');
    expect(due.explanation).toContain('27–28 February 2028: Eid al-Fitr (provisional)');
    expect(due.beyondHorizon).toBe(false);
  });

  it('skips the forecast Eid al-Adha: 30 calendar days ending on it roll forward past both days', () => {
    expect(dayStatus('2028-05-06', ma).reasons).toContainEqual({ kind: 'holiday', name: expect.objectContaining({ en: 'Eid al-Adha' }), status: 'provisional' });
    const due = computeDeadline({ calendarDays: 30 }, [started('2028-04-06T10:00:00+01:00')], ma);
    expect(due.dueDate).toBe('2028-05-08');
    expect(due.explanation).toEqual(
      expect.arrayContaining([
        '6–7 May 2028: Eid al-Adha (provisional)',
        'day 30, Saturday 6 May 2028, is not a working day: the deadline moves to the end of the next working day',
      ]),
    );
  });
});

describe('the horizon', () => {
  it('is the date the calendar states, or for a version stored without one, the end of its last year of dated holidays', () => {
    expect(calendarHorizon(ma)).toBe('2035-12-31');
    const { horizon: _horizon, ...stored } = ma;
    expect(calendarHorizon({ ...stored, datedHolidays: ma.datedHolidays.filter((h) => h.date < '2028') })).toBe('2027-12-31');
    expect(checkCalendar({ ...ma, horizon: '2035-02-30' })).toEqual([{ pointer: '/horizon', message: '2035-02-30 is not a real date' }]);
  });

  it('a deadline counted past it says so, and its result and schedule carry the flag', () => {
    const due = computeDeadline({ workingDays: 20 }, [started('2035-12-20T10:00:00+00:00')], ma);
    expect(due.dueDate).toBe('2036-01-22');
    expect(due.beyondHorizon).toBe(true);
    expect(due.explanation.slice(-2)).toEqual([
      'the calendar (ma v1) covers days up to Monday 31 December 2035: the Islamic holidays after that date are not in it yet, so this due date may still move',
      'due Tuesday 22 January 2036 at 23:59 (Africa/Casablanca)',
    ]);
    const schedule = scheduleDeadline({ budget: { workingDays: 20 }, ledger: [started('2035-12-20T10:00:00+00:00')], warnings: [] }, ma);
    expect(schedule.beyondHorizon).toBe(true);
    expect(schedule.explanation).toEqual(due.explanation);
  });

  it('a deadline that ends on it or before says nothing of it', () => {
    const due = computeDeadline({ workingDays: 5 }, [started('2035-12-20T10:00:00+00:00')], ma);
    expect(due.dueDate).toBe('2035-12-27');
    expect(due.beyondHorizon).toBe(false);
    expect(due.explanation.join('\n')).not.toContain('covers days up to');
    expect(scheduleDeadline({ budget: { workingDays: 5 }, ledger: [started('2035-12-20T10:00:00+00:00')], warnings: [] }, ma)).not.toHaveProperty('beyondHorizon');
  });

  it('an exact duration runs through holidays, so it is never past the horizon', () => {
    expect(computeDeadline({ duration: 'P30D' }, [started('2035-12-20T10:00:00+00:00')], ma).beyondHorizon).toBe(false);
  });
});

describe('horizonWarnings', () => {
  it('warns once, at the longest budget with every extension, when it would end past the horizon', () => {
    // 20 working days, extended once by 20, from Saturday 1 December 2035 end on Thursday 31 January 2036.
    expect(horizonWarnings([accessToInformation], ma, '2035-12-01')).toEqual([
      {
        id: 'access-to-information',
        version: 2,
        pointer: '/deadline/budget',
        message:
          'counted from today (1 December 2035), this budget can end on 31 January 2036, past the horizon of calendar ma (31 December 2035): ' +
          'Islamic holidays after it are not known, so due dates there may come too early; extend the calendar with `mohla calendar provisional --through <year>`',
        severity: 'warning',
      },
    ]);
  });

  it('is silent while every budget ends inside the calendar, and for a calendar that states no horizon', () => {
    expect(horizonWarnings([accessToInformation], ma, '2035-06-01')).toEqual([]);
    const noHolidays: Calendar = { ...ma, datedHolidays: [] };
    delete noHolidays.horizon;
    expect(horizonWarnings([accessToInformation], noHolidays, '2035-12-01')).toEqual([]);
  });

  it('points at a step budget when it is the longest', () => {
    const waiting = structuredClone(accessToInformation);
    waiting.steps.inquiry = { type: 'wait', for: { calendarDays: 400 }, next: waiting.start };
    expect(horizonWarnings([waiting], ma, '2035-06-01').map((w) => w.pointer)).toEqual(['/steps/inquiry/for']);
  });
});
