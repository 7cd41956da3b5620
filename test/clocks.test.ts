/**
 * Named clocks on the real Temporal dev server, counted in seconds from a date-time the citizen gives:
 * a clock that warns, expires and moves the application to another step, and one that the move meets.
 * Each is checked through what people read: the application, the inbox, the kiosk, the timeline and
 * the messages sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Notification } from '../db/entities.js';
import { applicationAnswer, clockAnswer, inboxTaskAnswer, timeLeftAnswer, trackAnswer } from './helpers/answers.js';
import { testProcedure, text } from './helpers/definitions.js';
import { createTestStack, eventually, people, type TestStack } from './helpers/stack.js';

let stack: TestStack;
let actors: Awaited<ReturnType<typeof people>>;

beforeAll(async () => {
  stack = await createTestStack();
  actors = await people(stack, `office-${stack.id}`);
});

// The stack replays every history of this file when it closes.
afterAll(async () => {
  await stack?.close();
});

const basis = { law: 'Organic law 113.14', note: 'A test of the clocks (unconfirmed).', confirmed: false };

/**
 * The summons must go out 3 seconds before the session the citizen names; when it has not, the review
 * is cancelled and a supervisor postpones the session. The acknowledgement clock runs a minute from
 * filing and is met when the application reaches the postponement.
 */
const definition = testProcedure('council-clocks', {
  form: {
    type: 'object',
    required: ['sessionAt'],
    properties: { sessionAt: { type: 'string', format: 'date-time' }, phone: { type: 'string' } },
  },
  clocks: {
    summons: {
      label: text('Summons to members'),
      from: { date: { var: 'data.sessionAt' }, before: { duration: 'PT3S' } },
      startsOn: 'filing',
      stopsOn: ['granted'],
      warnings: [{ before: { duration: 'PT2S' }, notify: ['supervisor'] }],
      onExpiry: { action: 'goto', step: 'postpone', notify: ['supervisor'] },
      legalBasis: basis,
    },
    acknowledgement: {
      label: text('Acknowledgement'),
      budget: { duration: 'PT60S' },
      startsOn: 'filing',
      stopsOn: ['postpone'],
      onExpiry: { action: 'notify', notify: ['supervisor'] },
      legalBasis: basis,
    },
  },
  steps: {
    postpone: { type: 'userTask', role: 'supervisor', title: text('Postpone the session'), outcomes: { postponed: { next: 'refused' } } },
  },
});

describe('named clocks on the real Temporal server', () => {
  it('a clock warns, then expires and moves the application, which meets another clock', async () => {
    await stack.procedures.publish(definition, 'test', 'api');
    const sessionAt = new Date(Date.now() + 10_000).toISOString();
    const res = await actors.citizen({ method: 'POST', url: '/applications', payload: { procedureId: definition.id, officeId: actors.office, data: { sessionAt } } });
    expect(res.statusCode, res.body).toBe(201);
    const filed = res.json();
    const review = filed.tasks[0].id as string;
    const summonsDue = Date.parse(sessionAt) - 3000;
    expect(filed.clocks).toEqual([
      clockAnswer({ id: 'summons', label: text('Summons to members'), dueAt: expect.any(String) }),
      clockAnswer({ id: 'acknowledgement', label: text('Acknowledgement'), dueAt: expect.any(String) }),
    ]);
    expect(Date.parse(filed.clocks[0].dueAt)).toBe(summonsDue);
    expect(filed.clocks[0].ledger).toEqual([
      { type: 'started', at: filed.filedAt },
      { type: 'dated', at: filed.filedAt, date: sessionAt },
    ]);

    const moved = await eventually(async () => {
      const view = (await actors.citizen({ method: 'GET', url: `/applications/${filed.trackingNumber}` })).json();
      return view.tasks.some((t: { stepId: string }) => t.stepId === 'postpone') ? view : undefined;
    }, 40_000);
    expect(moved).toEqual(
      applicationAnswer({
        status: 'open',
        clocks: [
          clockAnswer({ id: 'summons', status: 'expired', dueAt: filed.clocks[0].dueAt, msLeft: expect.any(Number) }),
          clockAnswer({ id: 'acknowledgement', status: 'met', msLeft: null }),
        ],
      }),
    );
    expect(moved.clocks[0].msLeft).toBeLessThan(0);
    expect(moved.clocks[0].ledger.map((e: { type: string }) => e.type)).toEqual(['started', 'dated', 'warned', 'expired']);
    expect(moved.clocks[1].ledger.at(-1)).toEqual({ type: 'met', at: expect.any(String), step: 'postpone', late: false });
    expect(moved.tasks.map((t: { stepId: string; status: string; role: string }) => [t.stepId, t.status, t.role])).toEqual([
      ['review', 'cancelled', 'agent'],
      ['postpone', 'open', 'supervisor'],
    ]);

    const timeline = (await actors.agent({ method: 'GET', url: `/applications/${filed.trackingNumber}/timeline` })).json().entries as Array<{
      kind: string;
      taskId: string | null;
      stepId: string | null;
      detail: Record<string, unknown>;
    }>;
    const kinds = timeline.map((e) => e.kind);
    expect(kinds.indexOf('deadlineWarned')).toBeLessThan(kinds.indexOf('deadlineExpired'));
    expect(timeline.find((e) => e.kind === 'deadlineExpired')?.detail.deadline).toBe('clock:summons');
    expect(timeline.find((e) => e.kind === 'taskCancelled')).toMatchObject({
      taskId: review,
      stepId: 'review',
      detail: { deadline: 'clock:summons', reason: 'the clock "Summons to members" expired: the application moved to step "postpone"' },
    });
    expect(timeline.find((e) => e.kind === 'movedOnExpiry')).toMatchObject({ stepId: 'postpone', detail: { deadline: 'clock:summons', tasks: [review] } });
    expect(timeline.find((e) => e.kind === 'clockMet')).toMatchObject({ stepId: 'postpone', detail: { deadline: 'clock:acknowledgement', late: false } });
    const templates = (await stack.orm.em.fork().find(Notification, { trackingNumber: filed.trackingNumber })).map((m) => m.template);
    expect(templates).toEqual(expect.arrayContaining(['clockWarning', 'clockExpired']));

    // The supervisor's inbox shows the clock still to act on: the summons, overdue.
    const inbox = (await actors.supervisor({ method: 'GET', url: `/tasks?officeId=${actors.office}` })).json();
    const postpone = inbox.tasks.find((t: { stepId: string; trackingNumber: string }) => t.stepId === 'postpone' && t.trackingNumber === filed.trackingNumber);
    expect(postpone).toEqual(
      inboxTaskAnswer({ clock: { id: 'summons', label: text('Summons to members'), status: 'expired', ...timeLeftAnswer({ overdue: true }) } }),
    );

    // The kiosk shows the citizen each clock, without personal data.
    const tracked = await stack.app.inject({ method: 'POST', url: '/track', payload: { trackingNumber: filed.trackingNumber, pin: filed.receipt.pin } });
    expect(tracked.json()).toEqual(
      trackAnswer({
        clocks: [
          { label: text('Summons to members'), status: 'expired', dueAt: filed.clocks[0].dueAt, dueDate: expect.any(String), explanation: expect.any(Array) },
          { label: text('Acknowledgement'), status: 'met', dueAt: expect.any(String), dueDate: expect.any(String), explanation: expect.any(Array) },
        ],
      }),
    );

    const closed = await actors.supervisor({ method: 'POST', url: `/tasks/${moved.tasks[1].id}/complete`, payload: { outcome: 'postponed' } });
    expect(closed.json()).toEqual(applicationAnswer({ status: 'closed', outcome: 'rejected', clocks: [clockAnswer({ status: 'expired', msLeft: expect.any(Number) }), clockAnswer({ status: 'met', msLeft: null })] }));
  });
});
