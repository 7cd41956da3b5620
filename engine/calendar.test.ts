import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../infra/config.js';
import { createAjv, fieldErrors } from '../registry/definition-schema.js';
import { generateCalendarTypes, GENERATED_CALENDAR_TYPES } from '../scripts/generate-types.js';
import {
  addCalendarDays,
  addWorkingDays,
  checkCalendar,
  dayStatus,
  endOfLocalDay,
  formatDateRange,
  formatInstant,
  formatLocalDate,
  isoWeekday,
  isWorkingDay,
  localDateOf,
  nextWorkingDay,
  parseInstant,
  parseLocalDate,
  subtractWorkingDays,
  workingDaysBetween,
  zoneOffsetMs,
  type Calendar,
} from './calendar.js';
import { shippedCalendar } from '../test/helpers/shipped-calendar.js';

const ma = shippedCalendar();
const zone = ma.zone;
const HOUR = 3_600_000;

describe('the calendar file and its schema', () => {
  it('keeps the TypeScript types generated from the JSON Schema up to date', async () => {
    expect(readFileSync(GENERATED_CALENDAR_TYPES, 'utf8'), 'run `npm run generate`').toBe(
      await generateCalendarTypes(),
    );
  });

  it('ships a Moroccan calendar that the schema and the semantic checks accept', () => {
    const schema = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'procedures/schema/calendar.schema.json'), 'utf8'));
    const validate = createAjv().compile(schema);
    expect(validate(ma) ? [] : fieldErrors(validate.errors)).toEqual([]);
    expect(checkCalendar(ma)).toEqual([]);
    expect(ma).toMatchObject({ id: 'ma', zone: 'Africa/Casablanca', workingWeek: [1, 2, 3, 4, 5] });
  });

  it('names what the schema cannot see: an unknown zone, a day a month does not have, a date that does not exist', () => {
    const broken: Calendar = {
      ...ma,
      zone: 'Africa/Atlantis',
      fixedHolidays: [{ month: 2, day: 30, name: { ar: 'x', fr: 'x', en: 'x' } }],
      datedHolidays: [{ date: '2026-02-29', name: { ar: 'x', fr: 'x', en: 'x' }, status: 'provisional' }],
      closures: [],
    };
    expect(checkCalendar(broken)).toEqual([
      { pointer: '/zone', message: '"Africa/Atlantis" is not a known IANA time zone' },
      { pointer: '/fixedHolidays/0/day', message: 'month 2 has no day 30' },
      { pointer: '/datedHolidays/0/date', message: '2026-02-29 is not a real date' },
    ]);
  });
});

describe('local time in Africa/Casablanca', () => {
  // What this machine's ICU says for 2026: UTC+0 from 15 February 02:00 UTC to 22 March 02:00 UTC
  // (Ramadan), UTC+1 otherwise. The cases below are built on it; this test says so first if ICU changes.
  it.each([
    ['2026-02-15T01:59:59Z', 1],
    ['2026-02-15T02:00:00Z', 0],
    ['2026-03-10T12:00:00Z', 0],
    ['2026-03-22T01:59:59Z', 0],
    ['2026-03-22T02:00:00Z', 1],
    ['2026-04-14T12:00:00Z', 1],
  ])('at %s the offset is UTC+%i', (instant, hours) => {
    expect(zoneOffsetMs(Date.parse(instant), zone)).toBe(hours * HOUR);
  });

  it.each([
    ['late evening UTC in April is already the next local day', '2026-04-14T23:30:00Z', '2026-04-15'],
    ['the same clock time during Ramadan is still the same day', '2026-03-10T23:30:00Z', '2026-03-10'],
    ['the eve of the switch to UTC+0 is still UTC+1', '2026-02-14T23:30:00Z', '2026-02-15'],
    ['the first evening at UTC+0', '2026-02-15T23:30:00Z', '2026-02-15'],
    ['the last evening at UTC+0', '2026-03-21T23:30:00Z', '2026-03-21'],
    ['the first evening back at UTC+1', '2026-03-22T23:30:00Z', '2026-03-23'],
    ['one millisecond before local midnight in April', '2026-04-14T22:59:59.999Z', '2026-04-14'],
    ['an explicit offset is honoured', '2026-04-15T00:30:00+01:00', '2026-04-15'],
  ])('%s: %s is on %s', (_label, instant, date) => {
    expect(localDateOf(Date.parse(instant), zone)).toBe(date);
  });

  it.each([
    ['2026-04-14', '2026-04-14T23:59:59.999+01:00', '2026-04-14T22:59:59.999Z'],
    ['2026-03-18', '2026-03-18T23:59:59.999+00:00', '2026-03-18T23:59:59.999Z'],
    ['2026-02-15', '2026-02-15T23:59:59.999+00:00', '2026-02-15T23:59:59.999Z'],
    ['2026-03-22', '2026-03-22T23:59:59.999+01:00', '2026-03-22T22:59:59.999Z'],
    ['2025-12-31', '2025-12-31T23:59:59.999+01:00', '2025-12-31T22:59:59.999Z'],
  ])('the end of %s is %s', (date, local, utc) => {
    const end = endOfLocalDay(date, zone);
    expect(formatInstant(end, zone)).toBe(local);
    expect(new Date(end).toISOString()).toBe(utc);
  });

  it.each([
    ['2026-03-16T10:00:00Z', '2026-03-16T10:00:00.000Z'],
    ['2026-04-14T10:00:00+01:00', '2026-04-14T09:00:00.000Z'],
    ['2026-04-14T10:00:00.25-02:30', '2026-04-14T12:30:00.250Z'],
    ['2026-04-14T10:00', '2026-04-14T09:00:00.000Z'],
    ['2026-03-16T10:00:00', '2026-03-16T10:00:00.000Z'],
    ['2026-04-14', '2026-04-13T23:00:00.000Z'],
  ])('reads %s as %s (no offset: Casablanca wall time)', (text, utc) => {
    expect(new Date(parseInstant(text, zone) as number).toISOString()).toBe(utc);
  });

  it.each([
    '',
    'tomorrow',
    '2026-02-30T10:00:00Z',
    '2026-04-14T24:00:00Z',
    '2026-04-14T10:61Z',
    '2026-04-14 10:00Z',
    '14/04/2026',
  ])('refuses %j as an instant', (text) => {
    expect(parseInstant(text, zone)).toBeUndefined();
  });
});

describe('working days on the Moroccan calendar', () => {
  it.each([
    ['an ordinary Monday', '2026-03-16', true, []],
    ['a Saturday', '2026-03-14', false, ['weekend']],
    ['a Sunday', '2026-03-15', false, ['weekend']],
    ['a fixed holiday', '2026-05-01', false, ['holiday:Labour Day:fixed']],
    ['a fixed holiday observed since 2024', '2025-01-14', false, ['holiday:Amazigh New Year:fixed']],
    ['the same day before 2024', '2022-01-14', true, []],
    ['Unity Day before it was first observed', '2025-10-31', true, []],
    ['Unity Day once observed', '2028-10-31', false, ['holiday:Unity Day:fixed']],
    ['a provisional Islamic holiday', '2026-03-20', false, ['holiday:Eid al-Fitr:provisional']],
    ['a confirmed Islamic holiday', '2025-03-31', false, ['holiday:Eid al-Fitr:confirmed']],
    ['a holiday on a weekend', '2026-03-21', false, ['weekend', 'holiday:Eid al-Fitr:provisional']],
    [
      'the closure of Monday 9 June 2025',
      '2025-06-09',
      false,
      ['closure:Extra day off for Eid al-Adha, decreed by the government'],
    ],
  ])('%s (%s)', (_label, date, working, reasons) => {
    const status = dayStatus(date, ma);
    expect(status.working).toBe(working);
    expect(isWorkingDay(date, ma)).toBe(working);
    expect(
      status.reasons.map((r) =>
        r.kind === 'weekend'
          ? 'weekend'
          : r.kind === 'holiday'
            ? `holiday:${r.name.en}:${r.status}`
            : `closure:${r.reason.en}`,
      ),
    ).toEqual(reasons);
  });

  it.each([
    ['from a Monday', '2026-03-16', 1, '2026-03-17'],
    ['from a Friday, over the weekend', '2026-04-03', 1, '2026-04-06'],
    ['from a Saturday', '2026-03-14', 1, '2026-03-16'],
    ['over Eid al-Fitr and its weekend', '2026-03-19', 1, '2026-03-23'],
    ['over Labour Day', '2026-04-30', 1, '2026-05-04'],
    ['over Eid al-Adha 2025 and the closure', '2025-06-06', 1, '2025-06-10'],
    ['twenty of them', '2026-03-16', 20, '2026-04-14'],
    ['none', '2026-03-14', 0, '2026-03-14'],
  ])('adds working days %s: %s + %i = %s', (_label, date, n, expected) => {
    expect(addWorkingDays(date, n, ma)).toBe(expected);
    if (n > 0) expect(workingDaysBetween(date, expected, ma)).toBe(n);
  });

  it('finds the next working day and walks back from a date', () => {
    expect(nextWorkingDay('2026-05-26', ma)).toBe('2026-05-29');
    expect(subtractWorkingDays('2026-04-14', 5, ma)).toBe('2026-04-07');
    expect(subtractWorkingDays('2026-03-23', 1, ma)).toBe('2026-03-19');
    expect(subtractWorkingDays('2026-04-12', 1, ma)).toBe('2026-04-09');
  });

  it('does calendar arithmetic across months, years and leap days', () => {
    expect(addCalendarDays('2026-03-16', 30)).toBe('2026-04-15');
    expect(addCalendarDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addCalendarDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addCalendarDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(isoWeekday('2026-03-16')).toBe(1);
    expect(isoWeekday('2026-03-22')).toBe(7);
    expect(parseLocalDate('2026-02-29')).toBeUndefined();
    expect(parseLocalDate('2028-02-29')).toBe('2028-02-29');
  });

  it('writes dates the way a citizen reads them', () => {
    expect(formatLocalDate('2026-03-16', { weekday: true })).toBe('Monday 16 March 2026');
    expect(formatDateRange('2026-03-20', '2026-03-21')).toBe('20–21 March 2026');
    expect(formatDateRange('2025-03-31', '2025-04-01')).toBe('31 March – 1 April 2025');
    expect(formatDateRange('2026-12-31', '2027-01-01')).toBe('31 December 2026 – 1 January 2027');
    expect(formatDateRange('2026-05-01', '2026-05-01')).toBe('1 May 2026');
  });
});
