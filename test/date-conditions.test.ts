/**
 * Conditions that count working days, on the real Temporal server: the workflow reads the calendar as
 * it stands when the agent acts (a holiday or closure added since filing counts), and the histories
 * replay when the stack closes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays, localDateOf } from '../engine/calendar.js';
import { applicationState } from './helpers/calendar-closure.js';
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

/** After the review, the council is convened only if its session is at least 10 working days away. */
const convening = testProcedure('council-convening', {
  languageVersion: 2,
  form: { type: 'object', properties: { sessionDate: { type: 'string', format: 'date' } } },
  steps: {
    review: { type: 'userTask', role: 'agent', title: text('Review'), outcomes: { approve: { next: 'timely' }, reject: { next: 'refused' } } },
    timely: {
      type: 'decision',
      cases: [
        {
          when: { and: [{ var: 'data.sessionDate' }, { '>=': [{ workingDaysBetween: [{ today: [] }, { var: 'data.sessionDate' }] }, 10] }] },
          next: 'granted',
        },
      ],
      otherwise: 'refused',
    },
  },
});

async function fileAndApprove(sessionDate: string) {
  const filed = await actors.citizen({ method: 'POST', url: '/applications', payload: { procedureId: convening.id, officeId: actors.office, data: { sessionDate } } });
  expect(filed.statusCode, filed.body).toBe(201);
  const { trackingNumber, tasks } = filed.json() as { trackingNumber: string; tasks: Array<{ id: string }> };
  const done = await actors.agent({ method: 'POST', url: `/tasks/${tasks[0]!.id}/complete`, payload: { outcome: 'approve' } });
  expect(done.statusCode, done.body).toBe(200);
  return eventually(async () => {
    const state = await applicationState(stack, trackingNumber);
    return state.status === 'closed' ? state.outcome : undefined;
  });
}

describe('a condition that counts working days, in a running application', () => {
  it('counts on the calendar as it stands when the agent acts', async () => {
    await stack.procedures.publish(convening, 'test', 'api');
    const calendar = await stack.calendars.current();
    const today = localDateOf(Date.now(), calendar.zone);
    const tenthWorkingDay = addWorkingDays(today, 10, calendar);
    expect(await fileAndApprove(tenthWorkingDay)).toBe('approved');
    expect(await fileAndApprove(addWorkingDays(today, 9, calendar))).toBe('rejected');
    // An administrator closes the offices on a working day before the session: it is now 9 working days away.
    await stack.calendars.change('ma', { kind: 'closure', closure: { date: addWorkingDays(today, 1, calendar), reason: text('closure') } }, 'test');
    expect(await fileAndApprove(tenthWorkingDay)).toBe('rejected');
  });
});
