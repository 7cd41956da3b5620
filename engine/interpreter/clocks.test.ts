import { describe, expect, it } from 'vitest';
import { validateDefinition } from '../../registry/catalogue.js';
import type { ProcedureDefinition } from '../definition.generated.js';
import { simulate, type Scenario } from '../simulator.js';
import { text } from '../../test/helpers/definitions.js';
import { shippedCalendar } from '../../test/helpers/shipped-calendar.js';

const calendar = shippedCalendar();
const task = (outcomes: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  type: 'userTask',
  role: 'secretariat',
  title: text('task'),
  outcomes: Object.fromEntries(Object.entries(outcomes).map(([o, next]) => [o, { next }])),
  ...extra,
});
const basis = { law: 'Organic law 113.14', note: 'As the council session example reads it (unconfirmed).', confirmed: false };

/**
 * A council session: the summons must reach members 10 days before the session, the decisions must be
 * posted within 8 days after it, and sent to the governor within 15 working days after it.
 */
function councilSession(changes: { clocks?: Record<string, unknown>; steps?: Record<string, unknown>; deadline?: Record<string, unknown> } = {}) {
  const d = {
    id: 'council-session',
    version: 1,
    title: text('Council session'),
    description: text('A session of the commune council'),
    category: 'council',
    offices: ['commune'],
    roles: ['secretariat', 'president', 'supervisor'],
    legalBasis: basis,
    form: {
      type: 'object',
      required: ['subject'],
      properties: { subject: { type: 'string' }, sessionDate: { type: 'string', format: 'date' }, hearingAt: { type: 'string', format: 'date-time' } },
    },
    documents: [],
    fees: [],
    channels: ['counter'],
    deadline: { budget: { calendarDays: 90 }, startsOn: 'filing', onComplement: 'continue', onExpiry: { action: 'notify', notify: ['president'] }, ...changes.deadline },
    clocks: changes.clocks ?? {
      summons: {
        label: text('Summons to members'),
        from: { date: { var: 'data.sessionDate' }, before: { calendarDays: 10 } },
        startsOn: 'filing',
        stopsOn: ['awaitSession'],
        warnings: [{ before: { workingDays: 2 }, notify: ['secretariat'] }],
        onExpiry: { action: 'goto', step: 'reschedule', notify: ['president'] },
        legalBasis: basis,
      },
      posting: {
        label: text('Decisions posted'),
        from: { date: { var: 'data.sessionDate' }, after: { calendarDays: 8 } },
        startsOn: 'filing',
        stopsOn: ['transmit'],
        onExpiry: { action: 'notify', notify: ['president'] },
        legalBasis: basis,
      },
      transmission: {
        label: text('Sent to the governor'),
        from: { date: { var: 'data.sessionDate' }, after: { workingDays: 15 } },
        startsOn: 'filing',
        stopsOn: ['done'],
        onExpiry: { action: 'escalate', toRole: 'supervisor' },
        legalBasis: basis,
      },
    },
    start: 'prepareSummons',
    steps: {
      prepareSummons: task({ sent: 'awaitSession' }),
      awaitSession: { type: 'wait', until: { var: 'data.sessionDate' }, next: 'recordMinutes' },
      recordMinutes: task({ recorded: 'postDecisions', postpone: 'reschedule' }),
      postDecisions: task({ posted: 'transmit' }),
      transmit: task({ transmitted: 'done' }),
      reschedule: task({ cancelled: 'cancelled' }),
      done: { type: 'end', outcome: 'closed' },
      cancelled: { type: 'end', outcome: 'closed' },
      ...changes.steps,
    },
  };
  expect(validateDefinition(d)).toEqual([]);
  return d as unknown as ProcedureDefinition;
}

const filedAt = '2026-04-01T09:00:00.000Z';
const run = (d: ProcedureDefinition, events: Scenario['events'] = [], data: Record<string, unknown> = {}, until = '2026-07-01T00:00:00Z') =>
  simulate(d, { filedAt, data: { subject: 'budget', ...data }, events, until }, calendar);
const texts = (trace: Array<{ text: string }>) => trace.map((t) => t.text);

describe('named clocks', () => {
  it('run side by side, each counted from the session date: one met on time after its warning, one met late, one on time', async () => {
    const result = await run(
      councilSession(),
      [
        { at: '2026-05-07T10:00:00+01:00', action: 'complete', step: 'prepareSummons', outcome: 'sent' },
        { at: '2026-05-22T10:00:00+01:00', action: 'complete', step: 'recordMinutes', outcome: 'recorded' },
        { at: '2026-06-01T10:00:00+01:00', action: 'complete', step: 'postDecisions', outcome: 'posted' },
        { at: '2026-06-05T10:00:00+01:00', action: 'complete', step: 'transmit', outcome: 'transmitted' },
      ],
      { sessionDate: '2026-05-20' },
    );
    expect(result.outcome).toBe('closed');
    // Summons: 10 days before Wednesday 20 May is Sunday 10 May, moved back to Friday 8 May. Posting: 8
    // days after is Thursday 28 May (Eid al-Adha), moved on to Friday 29 May. Transmission: 15 working
    // days after, skipping both days of Eid, is Friday 12 June.
    expect(result.clocks).toEqual([
      { id: 'summons', label: 'Summons to members', status: 'met', dueAt: '2026-05-08T23:59:59.999+01:00', dueDate: '2026-05-08', explanation: expect.any(Array) },
      { id: 'posting', label: 'Decisions posted', status: 'metLate', dueAt: '2026-05-29T23:59:59.999+01:00', dueDate: '2026-05-29', explanation: expect.any(Array) },
      { id: 'transmission', label: 'Sent to the governor', status: 'met', dueAt: '2026-06-12T23:59:59.999+01:00', dueDate: '2026-06-12', explanation: expect.any(Array) },
    ]);
    const trace = texts(result.trace);
    // Two working days before Friday 8 May: the end of Wednesday 6 May.
    expect(result.trace.find((t) => t.kind === 'deadlineWarned')).toEqual({
      at: '2026-05-06T22:59:59.999Z',
      kind: 'deadlineWarned',
      text: 'warning: clock "Summons to members" due 2026-05-08T23:59:59.999+01:00',
    });
    expect(trace).toContain('notify president: clockExpired');
    expect(trace).toEqual(
      expect.arrayContaining([
        'clock "Summons to members" met at awaitSession, on time (due 2026-05-08T23:59:59.999+01:00)',
        'clock "Decisions posted" expired (was due 2026-05-29T23:59:59.999+01:00)',
        'clock "Decisions posted" met at transmit, late (due 2026-05-29T23:59:59.999+01:00)',
        'clock "Sent to the governor" met at done, on time (due 2026-06-12T23:59:59.999+01:00)',
      ]),
    );
    // The wait for the session ends when its day begins.
    expect(result.trace.find((t) => t.text === 'entered recordMinutes')?.at).toBe('2026-05-19T23:00:00.000Z');
    expect(result.state.deadlines['clock:posting']?.ledger.map((e) => e.type)).toEqual(['started', 'dated', 'expired', 'met']);
  });

  it('a clock that expires with goto cancels the open task, with its reason, and moves the application', async () => {
    const result = await run(councilSession(), [], { sessionDate: '2026-05-20' });
    const cancelled = Object.values(result.state.tasks).find((t) => t.stepId === 'prepareSummons');
    expect(cancelled?.status).toBe('cancelled');
    expect(Object.values(result.state.tasks).filter((t) => t.status === 'open').map((t) => t.stepId)).toEqual(['reschedule']);
    expect(texts(result.trace)).toEqual(
      expect.arrayContaining([
        'task prepareSummons cancelled: the clock "Summons to members" expired: the application moved to step "reschedule"',
        'clock "Summons to members" expired: moved to reschedule',
        'notify president: clockExpired',
        'task reschedule for role secretariat',
      ]),
    );
    const moved = result.trace.find((t) => t.kind === 'movedOnExpiry');
    expect(moved?.at).toBe('2026-05-08T22:59:59.999Z');
  });

  it('a clock whose date a task sets waits for it, then is rescheduled when the task sets another', async () => {
    const d = councilSession({
      clocks: {
        summons: {
          label: text('Summons to members'),
          from: { date: { var: 'steps.setDate.data.sessionDate' }, before: { workingDays: 3 } },
          startsOn: 'filing',
          stopsOn: ['done'],
          onExpiry: { action: 'notify', notify: ['president'] },
          legalBasis: basis,
        },
      },
      steps: {
        prepareSummons: task({ sent: 'setDate' }),
        setDate: task({ set: 'confirm' }, { form: { type: 'object', properties: { sessionDate: { type: 'string', format: 'date' } } } }),
        confirm: task({ change: 'setDate', ok: 'awaitSession' }),
      },
    });
    const waiting = await run(d, [{ at: '2026-04-02T10:00:00+01:00', action: 'complete', step: 'prepareSummons', outcome: 'sent' }]);
    expect(waiting.clocks).toEqual([{ id: 'summons', label: 'Summons to members', status: 'waitingForDate', dueAt: null, dueDate: null, explanation: [] }]);
    const moved = await run(d, [
      { at: '2026-04-02T10:00:00+01:00', action: 'complete', step: 'prepareSummons', outcome: 'sent' },
      { at: '2026-04-03T10:00:00+01:00', action: 'complete', step: 'setDate', outcome: 'set', data: { sessionDate: '2026-05-20' } },
      { at: '2026-04-06T10:00:00+01:00', action: 'complete', step: 'confirm', outcome: 'change' },
      { at: '2026-04-07T10:00:00+01:00', action: 'complete', step: 'setDate', outcome: 'set', data: { sessionDate: '2026-06-01' } },
    ], {}, '2026-04-08T00:00:00Z');
    // 3 working days before Monday 1 June: Friday 29 May, then Tuesday 26 May and Monday 25 May (Eid is on 27–28 May).
    expect(moved.clocks[0]).toMatchObject({ status: 'running', dueAt: '2026-05-25T23:59:59.999+01:00' });
    expect(moved.state.deadlines['clock:summons']?.ledger).toEqual([
      { type: 'started', at: '2026-04-01T09:00:00.000Z' },
      { type: 'dated', at: '2026-04-03T09:00:00.000Z', date: '2026-05-20' },
      { type: 'dated', at: '2026-04-07T09:00:00.000Z', date: '2026-06-01', previousDate: '2026-05-20' },
    ]);
    expect(texts(moved.trace)).toContain('clock "Summons to members" counts from 2026-06-01 (was 2026-05-20)');
  });

  it('a clock that starts on entering a step and is met before it is due', async () => {
    const d = councilSession({
      clocks: {
        minutes: {
          label: text('Minutes signed'),
          budget: { workingDays: 2 },
          startsOn: 'stepEntry',
          step: 'recordMinutes',
          stopsOn: ['postDecisions'],
          onExpiry: { action: 'notify', notify: ['president'] },
          legalBasis: basis,
        },
      },
    });
    const result = await run(
      d,
      [
        { at: '2026-04-02T10:00:00+01:00', action: 'complete', step: 'prepareSummons', outcome: 'sent' },
        { at: '2026-05-21T10:00:00+01:00', action: 'complete', step: 'recordMinutes', outcome: 'recorded' },
      ],
      { sessionDate: '2026-05-20' },
    );
    // Entered on Wednesday 20 May at midnight: 2 working days are Thursday 21 and Friday 22 May.
    expect(result.clocks).toEqual([{ id: 'minutes', label: 'Minutes signed', status: 'met', dueAt: '2026-05-22T23:59:59.999+01:00', dueDate: '2026-05-22', explanation: expect.any(Array) }]);
  });

  it('the legal deadline may move the application too (language 2)', async () => {
    const d = councilSession({ clocks: {}, deadline: { budget: { workingDays: 2 }, onExpiry: { action: 'goto', step: 'reschedule' } } });
    const result = await run(d, [], { sessionDate: '2026-05-20' });
    // Filed Wednesday 1 April: Thursday 2 and Friday 3 April.
    expect(result.trace.find((t) => t.kind === 'movedOnExpiry')).toEqual({ at: '2026-04-03T22:59:59.999Z', kind: 'movedOnExpiry', text: 'legal deadline expired: moved to reschedule' });
    expect(Object.values(result.state.tasks).map((t) => [t.stepId, t.status])).toEqual([
      ['prepareSummons', 'cancelled'],
      ['reschedule', 'open'],
    ]);
  });
});

describe('waiting until a date in the data', () => {
  const waiting = (until: unknown) =>
    councilSession({
      clocks: {},
      steps: { prepareSummons: { type: 'wait', until, next: 'awaitSession' } },
    });

  it('goes on at once, and says so, when the date has already passed', async () => {
    const result = await run(waiting({ var: 'data.sessionDate' }), [], { sessionDate: '2026-03-02' });
    expect(result.trace.filter((t) => t.kind === 'waitEnded')).toEqual([
      { at: filedAt, kind: 'waitEnded', text: 'wait at prepareSummons ended at once: the date had already passed' },
      { at: filedAt, kind: 'waitEnded', text: 'wait at awaitSession ended at once: the date had already passed' },
    ]);
    expect(result.trace.find((t) => t.text === 'task recordMinutes for role secretariat')?.at).toBe(filedAt);
  });

  it('goes on at once when the application gives no date', async () => {
    const result = await run(waiting({ var: 'data.sessionDate' }));
    expect(texts(result.trace)).toContain('wait at prepareSummons ended at once: no date in the application');
  });

  it('waits until the instant of a date-time', async () => {
    const result = await run(waiting({ var: ['data.hearingAt'] }), [], { hearingAt: '2026-04-10T15:30:00+01:00' });
    expect(result.trace.find((t) => t.text === 'entered recordMinutes')?.at).toBe('2026-04-10T14:30:00.000Z');
  });
});
