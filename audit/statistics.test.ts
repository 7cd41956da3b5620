import { describe, expect, it } from 'vitest';
import { computeStatistics, statisticsCsv, summarise, type ApplicationFacts, type TaskFacts } from './statistics.js';
import { shippedCalendar } from '../test/helpers/shipped-calendar.js';

const calendar = shippedCalendar();
const d = (iso: string) => new Date(iso);

function app(fields: Partial<ApplicationFacts> & Pick<ApplicationFacts, 'trackingNumber' | 'filedAt'>): ApplicationFacts {
  return { procedureId: 'permit', officeId: 'office-a', status: 'closed', outcome: null, closedAt: null, dueAt: null, grantedBySilence: false, paused: false, ledger: [], escalations: 0, ...fields };
}

// September 2026 has no holiday: every weekday is a working day (UTC+1 all month).
const apps: ApplicationFacts[] = [
  // 4 working days (8, 9, 10, 11 Sept), decided a day late.
  app({ trackingNumber: 'A1', filedAt: d('2026-09-07T10:00:00+01:00'), closedAt: d('2026-09-11T15:00:00+01:00'), outcome: 'approved', dueAt: d('2026-09-10T23:59:59.999+01:00'), escalations: 1 }),
  // 2 working days, in time.
  app({ trackingNumber: 'A2', filedAt: d('2026-09-07T11:00:00+01:00'), closedAt: d('2026-09-09T09:00:00+01:00'), outcome: 'rejected', dueAt: d('2026-09-10T23:59:59.999+01:00') }),
  // 6 working days, of which 4 waiting for the citizen (9–14 Sept): 2 counted; in time.
  app({
    trackingNumber: 'A3', filedAt: d('2026-09-08T09:00:00+01:00'), closedAt: d('2026-09-16T12:00:00+01:00'), outcome: 'approved', dueAt: d('2026-09-18T23:59:59.999+01:00'),
    ledger: [{ type: 'started', at: '2026-09-08T08:00:00Z' }, { type: 'paused', at: '2026-09-09T09:00:00Z' }, { type: 'resumed', at: '2026-09-14T09:00:00Z' }],
  }),
  // Granted by silence at its due instant: 5 working days, never "in time".
  app({ trackingNumber: 'A4', filedAt: d('2026-09-07T12:00:00+01:00'), closedAt: d('2026-09-14T23:59:59.999+01:00'), outcome: 'approved', grantedBySilence: true, dueAt: d('2026-09-14T23:59:59.999+01:00') }),
  // Open and overdue.
  app({ trackingNumber: 'A5', filedAt: d('2026-09-21T10:00:00+01:00'), status: 'open', dueAt: d('2026-09-24T23:59:59.999+01:00'), escalations: 2 }),
  // Open, another office and procedure, due within two working days.
  app({ trackingNumber: 'A6', procedureId: 'licence', officeId: 'office-b', filedAt: d('2026-09-22T10:00:00+01:00'), status: 'open', dueAt: d('2026-09-28T23:59:59.999+01:00') }),
  // Withdrawn: filed, but neither decided nor pending.
  app({ trackingNumber: 'A7', filedAt: d('2026-09-08T10:00:00+01:00'), closedAt: d('2026-09-09T10:00:00+01:00'), outcome: 'withdrawn' }),
];

const tasks: TaskFacts[] = [
  { officeId: 'office-a', completedBy: 'agent-x', createdAt: d('2026-09-07T10:00:00+01:00'), completedAt: d('2026-09-09T10:00:00+01:00') },
  { officeId: 'office-a', completedBy: 'agent-x', createdAt: d('2026-09-08T10:00:00+01:00'), completedAt: d('2026-09-11T10:00:00+01:00') },
  { officeId: 'office-a', completedBy: 'agent-x', createdAt: d('2026-09-14T10:00:00+01:00'), completedAt: d('2026-09-14T16:00:00+01:00') },
  { officeId: 'office-a', completedBy: 'agent-y', createdAt: d('2026-09-07T10:00:00+01:00'), completedAt: d('2026-09-08T10:00:00+01:00') },
];

const stats = computeStatistics(apps, tasks, { from: d('2026-09-01T00:00:00Z'), to: d('2026-10-01T00:00:00Z') }, d('2026-09-25T10:00:00+01:00'), calendar);

describe('statistics on a seeded dataset, checked by hand', () => {
  it('count filed, decided and pending applications, and processing times in working days without the citizen’s waits', () => {
    expect(stats.total).toEqual({
      procedureId: null,
      officeId: null,
      filed: 7,
      decided: 4,
      pending: 2,
      processingWorkingDays: { mean: 3.25, median: 3, p90: 5 },
      decidedWithinDeadline: 2,
      shareWithinDeadline: 0.5,
      grantedBySilence: 1,
      escalations: 3,
      pausedWorkingDays: 4,
    });
  });

  it('split per office and per procedure', () => {
    expect(stats.byOffice.map((g) => [g.officeId, g.filed, g.decided, g.pending])).toEqual([
      ['office-a', 6, 4, 1],
      ['office-b', 1, 0, 1],
    ]);
    expect(stats.byProcedure.map((g) => [g.procedureId, g.filed, g.shareWithinDeadline])).toEqual([
      ['licence', 1, null],
      ['permit', 6, 0.5],
    ]);
  });

  it('measure agents by the tasks they completed', () => {
    expect(stats.byAgent).toEqual([
      { agent: 'agent-x', officeId: 'office-a', tasksCompleted: 3, taskWorkingDays: { mean: 1.67, median: 2, p90: 3 } },
      { agent: 'agent-y', officeId: 'office-a', tasksCompleted: 1, taskWorkingDays: { mean: 1, median: 1, p90: 1 } },
    ]);
  });

  it('list what is overdue and what is at risk', () => {
    expect(stats.overdue.map((w) => w.trackingNumber)).toEqual(['A5']);
    expect(stats.atRisk.map((w) => w.trackingNumber)).toEqual(['A6']);
  });

  it('export CSV with no tracking number and no person', () => {
    const csv = statisticsCsv(stats);
    expect(csv.split('\n')[0]).toBe(
      'procedureId,officeId,filed,decided,pending,processingWorkingDaysMean,processingWorkingDaysMedian,processingWorkingDaysP90,decidedWithinDeadline,shareWithinDeadline,grantedBySilence,escalations,pausedWorkingDays',
    );
    expect(csv).toContain('all,all,7,4,2,3.25,3,5,2,0.5,1,3,4');
    for (const personal of ['A1', 'agent-x']) expect(csv).not.toContain(personal);
  });

  it('count a partial grant and a forwarding as answers, a closure without a decision not', () => {
    const answered = [
      // 2 working days (8, 9 Sept), in time.
      app({ trackingNumber: 'B1', filedAt: d('2026-09-07T10:00:00+01:00'), closedAt: d('2026-09-09T15:00:00+01:00'), outcome: 'partiallyGranted', dueAt: d('2026-09-10T23:59:59.999+01:00') }),
      // 1 working day, in time.
      app({ trackingNumber: 'B2', filedAt: d('2026-09-07T10:00:00+01:00'), closedAt: d('2026-09-08T09:00:00+01:00'), outcome: 'forwarded', dueAt: d('2026-09-10T23:59:59.999+01:00') }),
      app({ trackingNumber: 'B3', filedAt: d('2026-09-07T10:00:00+01:00'), closedAt: d('2026-09-08T09:00:00+01:00'), outcome: 'closed', dueAt: d('2026-09-10T23:59:59.999+01:00') }),
    ];
    const figures = computeStatistics(answered, [], { from: d('2026-09-01T00:00:00Z'), to: d('2026-10-01T00:00:00Z') }, d('2026-09-25T10:00:00+01:00'), calendar).total;
    expect(figures).toMatchObject({ filed: 3, decided: 2, pending: 0, decidedWithinDeadline: 2, shareWithinDeadline: 1, processingWorkingDays: { mean: 1.5, median: 1.5, p90: 2 } });
  });

  it('summarise with the nearest-rank percentile', () => {
    expect(summarise([])).toEqual({ mean: null, median: null, p90: null });
    expect(summarise([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toEqual({ mean: 5.5, median: 5.5, p90: 9 });
  });
});
