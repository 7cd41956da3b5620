/**
 * The citizen's turn on the real Temporal server (language 2): a window that passes without the citizen
 * acting, a complement that asks the citizen to enter fields of the form again, and a step visited again
 * with a counter (a sitting convened again when the quorum is not reached).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationAnswer, problemAnswer, trackAnswer } from './helpers/answers.js';
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

async function publishAndFile(definition: ReturnType<typeof testProcedure>, data: Record<string, unknown> = {}) {
  await stack.procedures.publish(definition, 'test', 'api');
  const res = await actors.citizen({ method: 'POST', url: '/applications', payload: { procedureId: definition.id, officeId: actors.office, data } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { trackingNumber: string; tasks: Array<{ id: string; stepId: string }>; receipt: { pin: string } };
}

const follow = async (trackingNumber: string) => (await actors.citizen({ method: 'GET', url: `/applications/${trackingNumber}` })).json();
const timeline = async (trackingNumber: string) =>
  (await actors.agent({ method: 'GET', url: `/applications/${trackingNumber}/timeline` })).json().entries as Array<{ kind: string; detail: Record<string, unknown> }>;

describe("the citizen's turn on the real Temporal server", () => {
  it('a window that passes without the citizen acting moves the application to its onExpiry step', async () => {
    const filed = await publishAndFile(
      testProcedure('window-passes', {
        languageVersion: 2,
        start: 'confirm',
        steps: {
          confirm: {
            type: 'citizenWindow',
            within: { duration: 'PT3S' },
            action: { label: text('Confirm the request') },
            next: 'review',
            onExpiry: 'refused',
          },
        },
      }),
    );
    const turn = (await follow(filed.trackingNumber)).citizenTurn;
    expect(turn).toEqual({ stepId: 'confirm', openedAt: expect.any(String), dueAt: expect.any(String), dueDate: expect.any(String) });
    // The kiosk tells the citizen what they may do and until when; they act from the portal.
    const kiosk = async () => (await stack.app.inject({ method: 'POST', url: '/track', payload: { trackingNumber: filed.trackingNumber, pin: filed.receipt.pin } })).json();
    expect(await kiosk()).toEqual(trackAnswer({ status: 'open', citizenWindow: { action: text('Confirm the request'), dueAt: turn.dueAt, dueDate: turn.dueDate } }));
    const closed = await eventually(async () => {
      const view = await follow(filed.trackingNumber);
      return view.status === 'closed' ? view : undefined;
    });
    expect(closed).toEqual(applicationAnswer({ status: 'closed', outcome: 'rejected', motivation: 'refused', tasks: [] }));
    expect((await kiosk()).citizenWindow).toBeNull();
    expect((await timeline(filed.trackingNumber)).map((e) => e.kind)).toEqual(expect.arrayContaining(['windowOpened', 'deadlineExpired', 'windowClosed']));
    const late = await actors.citizen({ method: 'POST', url: `/applications/${filed.trackingNumber}/act`, payload: { stepId: 'confirm', data: {} } });
    expect(late.json()).toEqual(problemAnswer({ status: 409, code: 'application_closed' }));
  });

  it('a complement asks the citizen to enter a field again: the amended form is checked whole, the timeline names the field, conditions read the new value', async () => {
    const filed = await publishAndFile(
      testProcedure('amend-period', {
        languageVersion: 2,
        form: { type: 'object', required: ['period'], properties: { period: { type: 'string', pattern: '^[0-9]{4}$' }, note: { type: 'string' } } },
        steps: {
          review: { type: 'userTask', role: 'agent', title: text('Review'), outcomes: { unclear: { next: 'ask' }, reject: { next: 'refused' } } },
          ask: { type: 'requestComplement', documents: [], fields: ['period', 'note'], onlyOnce: true, ifAlreadyRequested: 'refused', answerWithin: { duration: 'PT1H' }, next: 'route', onTimeout: 'refused' },
          route: { type: 'decision', cases: [{ when: { '==': [{ var: 'data.period' }, '2025'] }, next: 'granted' }], otherwise: 'refused' },
        },
      }),
      { period: '2024', note: 'the minutes' },
    );
    const strange = await actors.agent({ method: 'POST', url: `/tasks/${filed.tasks[0]!.id}/request-complement`, payload: { documents: [], fields: ['colour'] } });
    expect(strange.json()).toEqual(problemAnswer({ status: 400, code: 'invalid_input', errors: [{ pointer: '/fields', message: 'colour may not be asked for' }] }));
    const asked = await actors.agent({ method: 'POST', url: `/tasks/${filed.tasks[0]!.id}/request-complement`, payload: { documents: [], fields: ['period'] } });
    expect(asked.statusCode, asked.body).toBe(200);

    const answer = (data: unknown) => actors.citizen({ method: 'POST', url: `/applications/${filed.trackingNumber}/complement`, payload: { documents: [], data } });
    const notAPeriod = await answer({ period: 'last year' });
    expect(notAPeriod.json()).toEqual(problemAnswer({ status: 422, code: 'invalid_form_data', errors: [{ pointer: '/data/period', message: 'must match pattern "^[0-9]{4}$"' }] }));
    const notAsked = await answer({ period: '2025', note: 'also this' });
    expect(notAsked.json()).toEqual(problemAnswer({ status: 422, code: 'invalid_form_data', detail: 'Only period may be amended now.', errors: [{ pointer: '/data/note', message: 'was not asked for' }] }));
    const amended = await answer({ period: '2025' });
    expect(amended.json()).toEqual(applicationAnswer({ status: 'closed', outcome: 'approved' }));

    const entries = await timeline(filed.trackingNumber);
    expect(entries.find((e) => e.kind === 'complementRequested')!.detail).toEqual({ documents: [], fields: ['period'] });
    expect(entries.find((e) => e.kind === 'fieldsAmended')!.detail).toEqual({ fields: ['period'] });
    expect(JSON.stringify(entries)).not.toContain('2025');
  });

  it('a sitting convened again when the quorum is not reached: each task says which sitting it is, the third without quorum closes', async () => {
    const filed = await publishAndFile(
      testProcedure('sittings', {
        languageVersion: 2,
        start: 'convene',
        steps: {
          convene: {
            type: 'userTask',
            role: 'agent',
            title: text('Hold the sitting'),
            form: { type: 'object', required: ['quorum'], properties: { quorum: { type: 'boolean' } } },
            outcomes: { held: { next: 'quorum' } },
          },
          quorum: {
            type: 'decision',
            cases: [
              { when: { '==': [{ var: 'steps.convene.data.quorum' }, true] }, next: 'review' },
              { when: { '<': [{ var: 'steps.convene.visits' }, 3] }, next: 'convene' },
            ],
            otherwise: 'noQuorum',
          },
          noQuorum: { type: 'end', outcome: 'closed', motivation: text('no quorum after three sittings') },
        },
      }),
    );
    const sit = async (quorum: boolean) => {
      const task = (await follow(filed.trackingNumber)).tasks.find((t: { status: string }) => t.status === 'open');
      const res = await actors.agent({ method: 'POST', url: `/tasks/${task.id}/complete`, payload: { outcome: 'held', data: { quorum } } });
      expect(res.statusCode, res.body).toBe(200);
      return { task, after: res.json() };
    };
    const first = await sit(false);
    expect(first.task.visit).toBe(1);
    const inbox = (await actors.agent({ method: 'GET', url: `/tasks?officeId=${actors.office}` })).json().tasks as Array<{ trackingNumber: string; stepId: string; visit: number }>;
    expect(inbox.filter((t) => t.trackingNumber === filed.trackingNumber).map((t) => [t.stepId, t.visit])).toEqual([['convene', 2]]);
    const second = await sit(false);
    expect(second.task.visit).toBe(2);
    expect(second.task.id).not.toBe(first.task.id);
    const third = await sit(false);
    expect(third.task.visit).toBe(3);
    expect(third.after).toEqual(applicationAnswer({ status: 'closed', outcome: 'closed', motivation: 'no quorum after three sittings' }));
  });
});
