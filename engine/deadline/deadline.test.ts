import { describe, expect, it } from 'vitest';
import { type Calendar } from '../calendar.js';
import { computeDeadline } from './computation.js';
import { describeDuration, parseIsoDuration } from './duration.js';
import { rescheduleDeadline, rescheduledEntry } from './rescheduling.js';
import { warningInstant } from './warnings.js';
import type { DeadlineBudget } from './budget.js';
import type { LedgerEntry } from './ledger.js';
import { DomainError } from '../errors.js';
import { shippedCalendar } from '../../test/helpers/shipped-calendar.js';

const ma = shippedCalendar();
const started = (at: string): LedgerEntry => ({ type: 'started', at });
const paused = (at: string, reason = 'waiting for your documents'): LedgerEntry => ({ type: 'paused', at, reason });
const resumed = (at: string): LedgerEntry => ({ type: 'resumed', at });

/** Filed Monday 16 March 2026 at 10:00, during Ramadan (UTC+0): the worked example of the design. */
const MARCH_16 = started('2026-03-16T10:00:00Z');

interface Case {
  name: string;
  budget: DeadlineBudget;
  ledger: LedgerEntry[];
  dueAt: string;
  mentions?: string[];
  omits?: string[];
}

// Reference: March 2026 starts on a Sunday, April on a Wednesday, May on a Friday (Labour Day).
// Eid al-Fitr 2026 is provisionally Friday 20 – Saturday 21 March; Eid al-Adha Wednesday 27 – Thursday 28 May.
const cases: Case[] = [
  {
    name: '20 working days over a provisional Eid al-Fitr',
    budget: { workingDays: 20 },
    ledger: [MARCH_16],
    dueAt: '2026-04-14T23:59:59.999+01:00',
    mentions: ['20 working days from Monday 16 March 2026', '20–21 March 2026: Eid al-Fitr (provisional)'],
  },
  {
    name: 'start on a Saturday: day 1 is Monday',
    budget: { workingDays: 1 },
    ledger: [started('2026-03-14T10:00:00Z')],
    dueAt: '2026-03-16T23:59:59.999+00:00',
  },
  {
    name: 'start on a holiday: day 1 is the next working day, after the weekend and the switch to UTC+1',
    budget: { workingDays: 1 },
    ledger: [started('2026-03-20T09:00:00Z')],
    dueAt: '2026-03-23T23:59:59.999+01:00',
    omits: ['Eid al-Fitr'],
  },
  {
    name: 'start late in the evening in April: 23:30 UTC is already Wednesday in Casablanca',
    budget: { workingDays: 1 },
    ledger: [started('2026-04-14T23:30:00Z')],
    dueAt: '2026-04-16T23:59:59.999+01:00',
  },
  {
    name: 'start an hour earlier in April: still Tuesday in Casablanca',
    budget: { workingDays: 1 },
    ledger: [started('2026-04-14T22:30:00Z')],
    dueAt: '2026-04-15T23:59:59.999+01:00',
  },
  {
    name: 'start at 23:30 UTC during Ramadan: still the same day in Casablanca (UTC+0)',
    budget: { workingDays: 1 },
    ledger: [started('2026-03-10T23:30:00Z')],
    dueAt: '2026-03-11T23:59:59.999+00:00',
  },
  {
    name: 'the same UTC clock time after Ramadan: already the next day',
    budget: { workingDays: 1 },
    ledger: [started('2026-04-07T23:30:00Z')],
    dueAt: '2026-04-09T23:59:59.999+01:00',
  },
  {
    name: 'a fixed holiday (Labour Day)',
    budget: { workingDays: 1 },
    ledger: [started('2026-04-30T10:00:00+01:00')],
    dueAt: '2026-05-04T23:59:59.999+01:00',
    mentions: ['1 May 2026: Labour Day'],
  },
  {
    name: 'a confirmed Islamic holiday (Eid al-Fitr 2025) during Ramadan time',
    budget: { workingDays: 2 },
    ledger: [started('2025-03-28T10:00:00Z')],
    dueAt: '2025-04-03T23:59:59.999+00:00',
    mentions: ['31 March – 1 April 2025: Eid al-Fitr (confirmed)'],
  },
  {
    name: 'a closure (Monday 9 June 2025); Eid al-Adha on the weekend takes no working day',
    budget: { workingDays: 3 },
    ledger: [started('2025-06-05T10:00:00+01:00')],
    dueAt: '2025-06-11T23:59:59.999+01:00',
    mentions: ['9 June 2025: administrations closed (Extra day off for Eid al-Adha, decreed by the government)'],
    omits: ['Eid al-Adha (confirmed)'],
  },
  {
    name: 'a pause and its resumption: 8–15 April are not counted',
    budget: { workingDays: 20 },
    ledger: [MARCH_16, paused('2026-04-08T09:00:00+01:00'), resumed('2026-04-15T16:00:00+01:00')],
    dueAt: '2026-04-22T23:59:59.999+01:00',
    mentions: ['paused 8–15 April 2026: waiting for your documents'],
  },
  {
    name: 'a pause spanning Eid al-Adha: the holiday is inside the pause, not in the count',
    budget: { workingDays: 10 },
    ledger: [
      started('2026-05-18T10:00:00+01:00'),
      paused('2026-05-26T10:00:00+01:00'),
      resumed('2026-05-29T10:00:00+01:00'),
    ],
    dueAt: '2026-06-05T23:59:59.999+01:00',
    omits: ['Eid al-Adha'],
  },
  {
    name: 'the same deadline without the pause',
    budget: { workingDays: 10 },
    ledger: [started('2026-05-18T10:00:00+01:00')],
    dueAt: '2026-06-03T23:59:59.999+01:00',
    mentions: ['27–28 May 2026: Eid al-Adha (provisional)'],
  },
  {
    name: 'a pause that starts before day 1 (Saturday to Monday after a Friday filing)',
    budget: { workingDays: 2 },
    ledger: [
      started('2026-04-03T15:00:00+01:00'),
      paused('2026-04-04T00:00:00+01:00'),
      resumed('2026-04-06T00:00:00+01:00'),
    ],
    dueAt: '2026-04-08T23:59:59.999+01:00',
  },
  {
    name: 'a pause on the filing day itself',
    budget: { workingDays: 2 },
    ledger: [
      started('2026-04-06T10:00:00+01:00'),
      paused('2026-04-06T12:00:00+01:00'),
      resumed('2026-04-07T12:00:00+01:00'),
    ],
    dueAt: '2026-04-09T23:59:59.999+01:00',
  },
  {
    name: 'a restart: the full budget counts again from the restart date',
    budget: { workingDays: 20 },
    ledger: [
      started('2026-04-01T10:00:00+01:00'),
      paused('2026-04-08T11:00:00+01:00'),
      { type: 'restarted', at: '2026-04-20T09:00:00+01:00', reason: 'the file is complete' },
    ],
    dueAt: '2026-05-19T23:59:59.999+01:00',
    mentions: ['restarted on Monday 20 April 2026: the file is complete', '20 working days from Monday 20 April 2026'],
    omits: ['paused'],
  },
  {
    name: 'an extension adds its units to the budget',
    budget: { workingDays: 20 },
    ledger: [
      MARCH_16,
      { type: 'extended', at: '2026-04-10T10:00:00+01:00', units: 20, reason: 'a public inquiry is needed' },
    ],
    dueAt: '2026-05-13T23:59:59.999+01:00',
    mentions: ['extended by 20 working days: a public inquiry is needed', '1 May 2026: Labour Day'],
  },
  {
    name: 'an extension recorded after the deadline had passed changes nothing',
    budget: { workingDays: 20 },
    ledger: [MARCH_16, { type: 'extended', at: '2026-04-15T10:00:00+01:00', units: 20, reason: 'too late' }],
    dueAt: '2026-04-14T23:59:59.999+01:00',
    mentions: ['extension of Wednesday 15 April 2026 not applied: the deadline had already passed'],
  },
  {
    name: 'warnings and reschedulings recorded in the ledger do not move the deadline',
    budget: { workingDays: 20 },
    ledger: [
      MARCH_16,
      { type: 'warned', at: '2026-04-07T23:59:59.999+01:00', rung: 0 },
      {
        type: 'reprojected',
        at: '2026-03-19T20:00:00Z',
        calendarId: 'ma',
        calendarVersion: 2,
        previousDueAt: '2026-04-14T23:59:59.999+01:00',
        newDueAt: '2026-04-14T23:59:59.999+01:00',
        movedBy: [],
      },
    ],
    dueAt: '2026-04-14T23:59:59.999+01:00',
  },
  {
    name: 'a restart counts the extended budget again',
    budget: { workingDays: 20 },
    ledger: [
      started('2026-04-01T10:00:00+01:00'),
      { type: 'extended', at: '2026-04-02T10:00:00+01:00', units: 5, reason: 'an expertise is needed' },
      paused('2026-04-08T11:00:00+01:00'),
      { type: 'restarted', at: '2026-04-20T09:00:00+01:00' },
    ],
    dueAt: '2026-05-26T23:59:59.999+01:00',
  },
  {
    name: 'a pause within the filing day costs nothing: that day is never counted',
    budget: { workingDays: 2 },
    ledger: [
      started('2026-04-06T10:00:00+01:00'),
      paused('2026-04-06T12:00:00+01:00'),
      resumed('2026-04-06T15:00:00+01:00'),
    ],
    dueAt: '2026-04-08T23:59:59.999+01:00',
    mentions: ['paused 6 April 2026, before counting began: waiting for your documents'],
  },
  {
    name: 'no working day to count: the end of the starting day, even a Saturday',
    budget: { workingDays: 0 },
    ledger: [started('2026-03-14T10:00:00Z')],
    dueAt: '2026-03-14T23:59:59.999+00:00',
    mentions: ['no day to count'],
  },
  {
    name: 'no calendar day to count, from a Saturday: rolled forward to Monday',
    budget: { calendarDays: 0 },
    ledger: [started('2026-03-14T10:00:00Z')],
    dueAt: '2026-03-16T23:59:59.999+00:00',
    mentions: ['Saturday 14 March 2026 is not a working day: the deadline moves to the end of the next working day'],
  },
  {
    name: '30 calendar days ending on Labour Day roll forward over the weekend',
    budget: { calendarDays: 30 },
    ledger: [started('2026-04-01T10:00:00+01:00')],
    dueAt: '2026-05-04T23:59:59.999+01:00',
    mentions: ['1 May 2026: Labour Day', 'day 30, Friday 1 May 2026, is not a working day'],
  },
  {
    name: 'the same without rolling forward',
    budget: { calendarDays: 30, rollForward: false },
    ledger: [started('2026-04-01T10:00:00+01:00')],
    dueAt: '2026-05-01T23:59:59.999+01:00',
    mentions: ['not rolled forward'],
  },
  {
    name: 'calendar days ending on a Saturday roll forward to Monday',
    budget: { calendarDays: 10 },
    ledger: [started('2026-04-01T10:00:00+01:00')],
    dueAt: '2026-04-13T23:59:59.999+01:00',
  },
  {
    name: 'calendar days ending on a Saturday, not rolled forward',
    budget: { calendarDays: 10, rollForward: false },
    ledger: [started('2026-04-01T10:00:00+01:00')],
    dueAt: '2026-04-11T23:59:59.999+01:00',
  },
  {
    name: 'calendar days from a Saturday count the weekend; no holiday is listed when none moved the date',
    budget: { calendarDays: 30 },
    ledger: [started('2026-04-18T10:00:00+01:00')],
    dueAt: '2026-05-18T23:59:59.999+01:00',
    omits: ['Labour Day'],
  },
  {
    name: 'calendar days rolled forward over both days of Eid al-Adha',
    budget: { calendarDays: 1 },
    ledger: [started('2026-05-26T10:00:00+01:00')],
    dueAt: '2026-05-29T23:59:59.999+01:00',
    mentions: ['27–28 May 2026: Eid al-Adha (provisional)'],
  },
  {
    name: 'calendar days with a pause: the paused days are added back',
    budget: { calendarDays: 30 },
    ledger: [
      started('2026-04-01T10:00:00+01:00'),
      paused('2026-04-10T10:00:00+01:00'),
      resumed('2026-04-12T10:00:00+01:00'),
    ],
    dueAt: '2026-05-04T23:59:59.999+01:00',
  },
  {
    name: 'an ISO duration is an exact instant',
    budget: { duration: 'PT4H' },
    ledger: [MARCH_16],
    dueAt: '2026-03-16T14:00:00.000+00:00',
    mentions: ['4 hours (PT4H) from Monday 16 March 2026 at 10:00:00 (Africa/Casablanca)'],
  },
  {
    name: 'a duration of seconds',
    budget: { duration: 'PT5S' },
    ledger: [started('2026-04-14T10:00:00+01:00')],
    dueAt: '2026-04-14T10:00:05.000+01:00',
  },
  {
    name: 'a duration across the end of Ramadan time: exact, so the local clock moves by an hour',
    budget: { duration: 'P1DT2H30M' },
    ledger: [started('2026-03-21T12:00:00Z')],
    dueAt: '2026-03-22T15:30:00.000+01:00',
  },
  {
    name: 'a duration with a pause runs the paused time again',
    budget: { duration: 'PT4H' },
    ledger: [MARCH_16, paused('2026-03-16T11:00:00Z', 'on hold'), resumed('2026-03-16T11:30:00Z')],
    dueAt: '2026-03-16T14:30:00.000+00:00',
    mentions: ['paused for 30 minutes from Monday 16 March 2026 at 11:00:00: on hold'],
  },
  {
    name: 'a duration extended by one unit: one more budget duration',
    budget: { duration: 'PT4H' },
    ledger: [MARCH_16, { type: 'extended', at: '2026-03-16T12:00:00Z', units: 1, reason: 'load' }],
    dueAt: '2026-03-16T18:00:00.000+00:00',
    mentions: ['extended by 4 hours: load'],
  },
];

describe('computeDeadline', () => {
  it.each(cases)('$name', ({ budget, ledger, dueAt, mentions = [], omits = [] }) => {
    const result = computeDeadline(budget, ledger, ma);
    expect(result.dueAt).toBe(dueAt);
    expect(result.dueDate).toBe(dueAt.slice(0, 10));
    expect(result.dueInstantMs).toBe(Date.parse(dueAt));
    expect(result.paused).toBe(false);
    expect(result.expiresAtMs).toBe(Date.parse(dueAt));
    const text = result.explanation.join('\n');
    for (const m of mentions) expect(text).toContain(m);
    for (const o of omits) expect(text).not.toContain(o);
  });

  it('explains the worked example line by line', () => {
    expect(computeDeadline({ workingDays: 20 }, [MARCH_16], ma).explanation).toEqual([
      '20 working days from Monday 16 March 2026',
      'counted from 16 March 2026 (10:00 in Africa/Casablanca): day 1 is Tuesday 17 March 2026, the first working day after that date; Saturdays and Sundays, holidays and closures are not counted',
      '20–21 March 2026: Eid al-Fitr (provisional)',
      'due Tuesday 14 April 2026 at 23:59 (Africa/Casablanca)',
    ]);
  });

  describe('while paused', () => {
    const ledger = [MARCH_16, paused('2026-04-08T09:00:00+01:00')];

    it('never expires, and computes the due date as if the pause ended on its first day', () => {
      const result = computeDeadline({ workingDays: 20 }, ledger, ma);
      expect(result).toMatchObject({
        paused: true,
        expiresAtMs: null,
        remainingAtPause: 5,
        dueAt: '2026-04-15T23:59:59.999+01:00',
      });
      expect(result.explanation).toContain(
        'paused since Wednesday 8 April 2026: waiting for your documents; 5 working days left when it resumes',
      );
      expect(result.explanation.at(-1)).toBe(
        'due Wednesday 15 April 2026 at 23:59 (Africa/Casablanca) if the pause ends on Wednesday 8 April 2026; the clock is stopped until it resumes',
      );
    });

    it('computes from a later day when asked', () => {
      const result = computeDeadline({ workingDays: 20 }, ledger, ma, { asOf: '2026-04-20T10:00:00+01:00' });
      expect(result.dueAt).toBe('2026-04-27T23:59:59.999+01:00');
      expect(result.pauses).toEqual([
        { from: '2026-04-08', to: '2026-04-20', open: true, reason: 'waiting for your documents' },
      ]);
    });

    it('gives no warning', () => {
      expect(warningInstant({ workingDays: 2 }, computeDeadline({ workingDays: 20 }, ledger, ma), ma)).toBeNull();
    });

    it('is not paused by a pause that came after the deadline had passed', () => {
      const result = computeDeadline({ workingDays: 20 }, [MARCH_16, paused('2026-04-15T09:00:00+01:00')], ma);
      expect(result).toMatchObject({ paused: false, dueAt: '2026-04-14T23:59:59.999+01:00' });
      expect(result.explanation).toContain(
        'pause of Wednesday 15 April 2026 not applied: the deadline had already passed',
      );
    });
  });

  it('keeps an expired deadline expired: later entries are not applied', () => {
    const result = computeDeadline(
      { workingDays: 20 },
      [
        MARCH_16,
        { type: 'expired', at: '2026-04-15T00:00:00+01:00' },
        { type: 'restarted', at: '2026-04-16T10:00:00+01:00' },
      ],
      ma,
    );
    expect(result).toMatchObject({ expired: true, dueAt: '2026-04-14T23:59:59.999+01:00' });
    expect(result.explanation).toContain(
      'restart of Thursday 16 April 2026 not applied: the deadline had already passed',
    );
  });

  it.each([
    ['no started entry', { workingDays: 1 }, [resumed('2026-04-01T10:00:00Z')], 'begins with a "started" entry'],
    ['a bad instant', { workingDays: 1 }, [started('yesterday')], 'is not an ISO 8601 instant'],
    ['a fractional budget', { workingDays: 1.5 }, [MARCH_16], 'whole number of days'],
    ['a negative budget', { calendarDays: -1 }, [MARCH_16], 'whole number of days'],
    ['a duration in months', { duration: 'P1M' }, [MARCH_16], 'is not an ISO 8601 duration'],
    [
      'an extension past the largest budget',
      { workingDays: 100_000 },
      [MARCH_16, { type: 'extended', at: '2026-03-17T10:00:00Z', units: 1, reason: '' }],
      'at most 100000',
    ],
  ] as [string, DeadlineBudget, LedgerEntry[], string][])('refuses %s', (_label, budget, ledger, message) => {
    expect(() => computeDeadline(budget, ledger, ma)).toThrow(DomainError);
    expect(() => computeDeadline(budget, ledger, ma)).toThrow(message);
  });
});

describe('ISO 8601 durations', () => {
  it.each([
    ['PT4H', 4 * 3_600_000],
    ['PT5S', 5000],
    ['PT1M', 60_000],
    ['P1D', 86_400_000],
    ['P1W', 7 * 86_400_000],
    ['P2DT30M', 2 * 86_400_000 + 30 * 60_000],
    ['PT0.5S', 500],
    ['PT0S', 0],
  ])('%s is %i ms', (text, ms) => {
    expect(parseIsoDuration(text)).toBe(ms);
  });

  it.each(['', 'P', 'PT', 'P1DT', 'P1Y', 'P1M', '4H', 'PT-1H', 'pt4h', 'PT1.5H'])('refuses %j', (text) => {
    expect(parseIsoDuration(text)).toBeUndefined();
  });

  it('says them in words', () => {
    expect(describeDuration(parseIsoDuration('P1DT2H30M5S') as number)).toBe('1 day 2 hours 30 minutes 5 seconds');
    expect(describeDuration(0)).toBe('0 seconds');
  });
});

describe('warning ladders', () => {
  const due14April = computeDeadline({ workingDays: 20 }, [MARCH_16], ma);
  const due23March = computeDeadline({ workingDays: 1 }, [started('2026-03-20T09:00:00Z')], ma);
  const pausedThenDue22April = computeDeadline(
    { workingDays: 20 },
    [MARCH_16, paused('2026-04-08T09:00:00+01:00'), resumed('2026-04-15T16:00:00+01:00')],
    ma,
  );

  it.each([
    [
      '5 working days before: the end of the day after which 5 remain',
      due14April,
      { workingDays: 5 },
      '2026-04-07T23:59:59.999+01:00',
    ],
    ['2 working days before, over a weekend', due14April, { workingDays: 2 }, '2026-04-10T23:59:59.999+01:00'],
    ['1 working day before, over Eid and a weekend', due23March, { workingDays: 1 }, '2026-03-19T23:59:59.999+00:00'],
    [
      '6 working days before, not counting the paused days',
      pausedThenDue22April,
      { workingDays: 6 },
      '2026-04-06T23:59:59.999+01:00',
    ],
    ['2 calendar days before', due14April, { calendarDays: 2 }, '2026-04-12T23:59:59.999+01:00'],
    ['one hour before', due14April, { duration: 'PT1H' }, '2026-04-14T22:59:59.999+01:00'],
  ] as const)('%s', (_label, deadline, lead, at) => {
    expect(warningInstant(lead, deadline, ma)).toEqual({ at, atMs: Date.parse(at), date: at.slice(0, 10) });
  });
});

describe('rescheduling when the calendar changes', () => {
  const ledger = [MARCH_16];
  const budget = { workingDays: 20 };
  const nextVersion = (change: (c: Calendar) => Calendar): Calendar => ({
    ...change(structuredClone(ma)),
    version: ma.version + 1,
  });

  it('says which entry moved the due date when Eid al-Fitr is confirmed a day later', () => {
    const confirmed = nextVersion((c) => ({
      ...c,
      datedHolidays: c.datedHolidays.map((h) =>
        h.date === '2026-03-20'
          ? { ...h, date: '2026-03-21', status: 'confirmed' as const }
          : h.date === '2026-03-21'
            ? { ...h, date: '2026-03-22', status: 'confirmed' as const }
            : h,
      ),
    }));
    const r = rescheduleDeadline(budget, ledger, ma, confirmed);
    expect(r.moved).toBe(true);
    expect(r.after.dueAt).toBe('2026-04-13T23:59:59.999+01:00');
    expect(r.changes).toEqual([
      {
        entry: 'Eid al-Fitr',
        before: '20–21 March 2026 (provisional)',
        after: '21–22 March 2026 (confirmed)',
        movesDeadline: true,
        description: 'Eid al-Fitr: 20–21 March 2026 (provisional) → 21–22 March 2026 (confirmed)',
      },
    ]);
    expect(r.description).toEqual([
      'due date moved from Tuesday 14 April 2026 to Monday 13 April 2026 (calendar ma v2)',
      'Eid al-Fitr: 20–21 March 2026 (provisional) → 21–22 March 2026 (confirmed)',
    ]);
    expect(rescheduledEntry('2026-03-19T20:30:00Z', r)).toEqual({
      type: 'reprojected',
      at: '2026-03-19T20:30:00Z',
      calendarId: 'ma',
      calendarVersion: 2,
      previousDueAt: '2026-04-14T23:59:59.999+01:00',
      newDueAt: '2026-04-13T23:59:59.999+01:00',
      movedBy: ['Eid al-Fitr: 20–21 March 2026 (provisional) → 21–22 March 2026 (confirmed)'],
    });
  });

  it('moves the deadline for a closure decided at short notice', () => {
    const closed = nextVersion((c) => ({
      ...c,
      closures: [
        ...c.closures,
        { date: '2026-04-02', reason: { ar: 'إغلاق', fr: 'Fermeture', en: 'Exceptional closure' } },
      ],
    }));
    const r = rescheduleDeadline(budget, ledger, ma, closed);
    expect(r.after.dueAt).toBe('2026-04-15T23:59:59.999+01:00');
    expect(r.changes.map((c) => [c.description, c.movesDeadline])).toEqual([
      ['closure: Exceptional closure: not in the calendar → 2 April 2026', true],
    ]);
  });

  it('reports a confirmation on the same dates without moving anything', () => {
    const confirmed = nextVersion((c) => ({
      ...c,
      datedHolidays: c.datedHolidays.map((h) =>
        h.date.startsWith('2026-03') ? { ...h, status: 'confirmed' as const } : h,
      ),
    }));
    const r = rescheduleDeadline(budget, ledger, ma, confirmed);
    expect(r.moved).toBe(false);
    expect(r.description).toEqual([
      'due date unchanged: Tuesday 14 April 2026 (calendar ma v2)',
      'Eid al-Fitr: 20–21 March 2026 (provisional) → 20–21 March 2026 (confirmed) (does not move the deadline)',
    ]);
  });

  it('ignores changes outside the span of the deadline', () => {
    const later = nextVersion((c) => ({
      ...c,
      datedHolidays: c.datedHolidays.filter((h) => !h.date.startsWith('2027')),
    }));
    const r = rescheduleDeadline(budget, ledger, ma, later);
    expect(r).toMatchObject({ moved: false, changes: [] });
  });
});
