import { describe, expect, it } from 'vitest';
import type { Calendar, DatedHoliday } from '../engine/calendar.js';
import { computeDeadline } from '../engine/deadline/computation.js';
import { rescheduleDeadline } from '../engine/deadline/rescheduling.js';
import { applyCalendarChange, firstChangedDate, withShippedForecasts } from './calendar-changes.js';
import { validateCalendar } from './calendars.js';
import { shippedCalendar } from '../test/helpers/shipped-calendar.js';

const shipped = shippedCalendar();
const fitrName = shipped.datedHolidays.find((h) => h.name.en === 'Eid al-Fitr')!.name;
const eidAlFitr = (date: string, status: DatedHoliday['status']): DatedHoliday => ({ date, name: fitrName, status });
const fitrDays = (c: Calendar, prefix: string) =>
  c.datedHolidays.filter((h) => h.name.en === 'Eid al-Fitr' && h.date.startsWith(prefix)).map((h) => `${h.date} ${h.status}`);

/** The stored version of a database filled before the calendar reached 2035: no generated entry, no horizon. */
function storedBefore(): Calendar {
  const { horizon: _horizon, ...rest } = structuredClone(shipped);
  return { ...rest, datedHolidays: rest.datedHolidays.filter((h) => !h.generated) };
}

// Five working days from Thursday 24 February 2028, across the forecast Eid al-Fitr (Sunday 27 and Monday 28 February).
const budget = { workingDays: 5 };
const ledger = [{ type: 'started' as const, at: '2028-02-24T10:00:00+00:00' }];

describe('confirming a provisional Eid', () => {
  it('a day later moves both days and the deadline, and the ledger says which holiday moved it', () => {
    expect(fitrDays(shipped, '2028-02')).toEqual(['2028-02-27 provisional', '2028-02-28 provisional']);
    const firstDay = applyCalendarChange(shipped, { kind: 'holiday', holiday: eidAlFitr('2028-02-28', 'confirmed') });
    expect(firstDay.version).toBe(shipped.version + 1);
    expect(fitrDays(firstDay, '2028-0')).toEqual(['2028-02-28 confirmed', '2028-02-29 provisional']);
    expect(validateCalendar(firstDay)).toEqual([]);
    expect(firstChangedDate(shipped, firstDay)).toBe('2028-02-27');

    const r = rescheduleDeadline(budget, ledger, shipped, firstDay);
    expect(r.before.dueDate).toBe('2028-03-03');
    expect(r.after.dueDate).toBe('2028-03-06');
    expect(r.description).toEqual([
      'due date moved from Friday 3 March 2028 to Monday 6 March 2028 (calendar ma v2)',
      'Eid al-Fitr: 27–28 February 2028 (provisional) → 28 February 2028 (confirmed), 29 February 2028 (provisional)',
    ]);

    const secondDay = applyCalendarChange(firstDay, { kind: 'holiday', holiday: eidAlFitr('2028-02-29', 'confirmed') });
    expect(fitrDays(secondDay, '2028-0')).toEqual(['2028-02-28 confirmed', '2028-02-29 confirmed']);
    expect(rescheduleDeadline(budget, ledger, firstDay, secondDay).description).toEqual([
      'due date unchanged: Monday 6 March 2028 (calendar ma v3)',
      'Eid al-Fitr: 28 February 2028 (confirmed), 29 February 2028 (provisional) → 28–29 February 2028 (confirmed) (does not move the deadline)',
    ]);
  });

  it('on the forecast dates changes no due date', () => {
    const confirmed = applyCalendarChange(shipped, { kind: 'holiday', holiday: eidAlFitr('2028-02-27', 'confirmed') });
    expect(fitrDays(confirmed, '2028-0')).toEqual(['2028-02-27 confirmed', '2028-02-28 provisional']);
    const r = rescheduleDeadline(budget, ledger, shipped, confirmed);
    expect(r.moved).toBe(false);
    expect(r.description).toEqual([
      'due date unchanged: Friday 3 March 2028 (calendar ma v2)',
      'Eid al-Fitr: 27–28 February 2028 (provisional) → 27 February 2028 (confirmed), 28 February 2028 (provisional) (does not move the deadline)',
    ]);
  });

  it('in January 2033 leaves the Eid al-Fitr of December 2033 alone', () => {
    const january = fitrDays(shipped, '2033-01');
    const december = fitrDays(shipped, '2033-12');
    expect([january.length, december.length]).toEqual([2, 2]);
    const confirmed = applyCalendarChange(shipped, { kind: 'holiday', holiday: eidAlFitr('2033-01-05', 'confirmed') });
    expect(fitrDays(confirmed, '2033-01')).toEqual(['2033-01-05 confirmed', '2033-01-06 provisional']);
    expect(fitrDays(confirmed, '2033-12')).toEqual(december);
  });
});

describe('a newer shipped calendar file', () => {
  it('brings its provisional holidays and horizon to a database filled before, as the next version', () => {
    const stored = { ...storedBefore(), version: 4 };
    const next = withShippedForecasts(stored, shipped) as Calendar;
    expect(next.version).toBe(5);
    expect(next.horizon).toBe('2035-12-31');
    expect(next.datedHolidays).toEqual(shipped.datedHolidays);
    expect(firstChangedDate(stored, next)).toBe('2028-02-27');
    expect(withShippedForecasts(next, shipped)).toBeUndefined();
  });

  it("keeps an administrator's confirmation over the file's forecast", () => {
    const stored = applyCalendarChange(storedBefore(), { kind: 'holiday', holiday: eidAlFitr('2028-02-28', 'confirmed') });
    const next = withShippedForecasts(stored, shipped) as Calendar;
    expect(fitrDays(next, '2028-0')).toEqual(['2028-02-28 confirmed']);
    expect(fitrDays(next, '2029')).toEqual(fitrDays(shipped, '2029'));
  });

  it('reschedules a running deadline: the forecast holidays count, and the horizon warning goes', () => {
    const stored = storedBefore();
    const next = withShippedForecasts(stored, shipped) as Calendar;
    const before = computeDeadline(budget, ledger, stored);
    expect(before.beyondHorizon).toBe(true);
    expect(before.explanation).toContain(
      'the calendar (ma v1) covers days up to Friday 31 December 2027: the Islamic holidays after that date are not in it yet, so this due date may still move',
    );
    const r = rescheduleDeadline(budget, ledger, stored, next);
    expect(r.after.beyondHorizon).toBe(false);
    expect(r.after.explanation.join('\n')).not.toContain('covers days up to');
    expect(r.description).toEqual([
      'due date moved from Thursday 2 March 2028 to Friday 3 March 2028 (calendar ma v2)',
      'Eid al-Fitr: not in the calendar → 27–28 February 2028 (provisional)',
    ]);
  });
});
