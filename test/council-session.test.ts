/**
 * The shipped council session on the real stack: filed by the council's secretariat (an internal
 * procedure), its three clocks counted from the session date the president sets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaffDirectory } from '../notifications/staff.js';
import { applicationAnswer } from './helpers/answers.js';
import { addOffice, createTestStack, eventually, people, type TestStack } from './helpers/stack.js';

let stack: TestStack;
let staff: Awaited<ReturnType<typeof people>>;
beforeAll(async () => {
  stack = await createTestStack();
  const office = `commune-council-${stack.id}`;
  addOffice(stack, office, 'commune');
  staff = await people(stack, office);
  await new StaffDirectory(stack.orm).import([{ id: staff.agentId, officeId: office, role: 'secretariat', name: 'Council secretariat' }]);
});
afterAll(async () => {
  await stack?.close();
});

/** A date `days` from today, as the session date field takes it. */
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

async function openSession(sessionDate: string) {
  const filed = await staff.agent({ method: 'POST', url: '/applications', payload: { procedureId: 'council-session', officeId: staff.office, data: { subject: 'Budget for the coming year' } } });
  expect(filed.statusCode, filed.body).toBe(201);
  const trackingNumber = filed.json().trackingNumber as string;
  const view = async () => (await staff.agent({ method: 'GET', url: `/applications/${trackingNumber}` })).json();
  const openTask = (stepId: string) =>
    eventually(async () => {
      const current = await view();
      return current.tasks.find((t: { stepId: string; status: string }) => t.stepId === stepId && t.status === 'open');
    });
  const schedule = await openTask('scheduleSession');
  const scheduled = await staff.agent({ method: 'POST', url: `/tasks/${schedule.id}/complete`, payload: { outcome: 'scheduled', data: { sessionDate } } });
  expect(scheduled.statusCode, scheduled.body).toBe(200);
  return { trackingNumber, view, openTask };
}

describe('the council session', () => {
  it('is filed by the secretariat, not by a citizen', async () => {
    const refused = await staff.citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'council-session', officeId: staff.office, data: { subject: 'Budget' } } });
    expect(refused.statusCode).toBe(403);
  });

  it('counts its three clocks from the session date: the summons met once sent, posting and transmission running', async () => {
    const session = await openSession(inDays(60));
    const summons = await session.openTask('sendSummons');
    expect((await staff.agent({ method: 'POST', url: `/tasks/${summons.id}/complete`, payload: { outcome: 'sent' } })).statusCode).toBe(200);
    const clocks = await eventually(async () => {
      const current = await session.view();
      return current.clocks.some((c: { status: string }) => c.status === 'met') ? current.clocks : undefined;
    });
    expect(clocks.map((c: { id: string; status: string }) => `${c.id} ${c.status}`)).toEqual(['summons met', 'posting running', 'transmission running']);
    // Counted after the session date, the later clocks fall due after it.
    const [, posting, transmission] = clocks as Array<{ dueDate: string }>;
    expect(posting!.dueDate > inDays(60) && transmission!.dueDate > posting!.dueDate).toBe(true);
  });

  it('goes to the president to postpone when the date leaves no time to summon the members ten days ahead', async () => {
    const session = await openSession(inDays(2));
    const postpone = await session.openTask('postpone');
    const current = await session.view();
    expect(current.tasks.map((t: { stepId: string; status: string }) => `${t.stepId} ${t.status}`)).toEqual(['scheduleSession completed', 'sendSummons cancelled', 'postpone open']);
    const done = await staff.agent({ method: 'POST', url: `/tasks/${postpone.id}/complete`, payload: { outcome: 'postponed' } });
    expect(done.statusCode, done.body).toBe(200);
    const closed = await eventually(async () => {
      const view = await session.view();
      return view.status === 'closed' ? view : undefined;
    });
    expect(closed).toEqual(
      applicationAnswer({
        trackingNumber: session.trackingNumber,
        status: 'closed',
        outcome: 'closed',
        motivation: 'The members could not be summoned in time: the session is postponed.',
        tasks: expect.any(Array),
      }),
    );
  });
});
