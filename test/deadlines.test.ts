/**
 * Legal deadlines on the real Temporal dev server, with second-scale budgets: expiry actions, warnings,
 * pauses, extensions and calendar changes, each checked through the API a person would use.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationAnswer } from './helpers/answers.js';
import { addWorkingDays } from '../engine/calendar.js';
import { Notification } from '../db/entities.js';
import { testProcedure, text } from './helpers/definitions.js';
import { multipartFile } from './helpers/multipart.js';
import { createTestStack, eventually, people, type TestStack } from './helpers/stack.js';
import { applicationState, closeNextWorkingDay, reprojectedDeadline } from './helpers/calendar-closure.js';

/** A one-task procedure whose legal deadline is given by the test; the task may ask for plans once. */
function procedure(id: string, deadline: Record<string, unknown>, fields: Record<string, unknown> = {}) {
  return testProcedure(id, {
    ...fields,
    deadline,
    steps: {
      review: { type: 'userTask', role: 'agent', title: text('Review'), outcomes: { approve: { next: 'granted' }, reject: { next: 'refused' }, incomplete: { next: 'ask' } } },
      ask: { type: 'requestComplement', documents: ['plans'], onlyOnce: true, ifAlreadyRequested: 'refused', answerWithin: { duration: 'PT1H' }, next: 'review', onTimeout: 'refused' },
    },
  });
}

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

async function publishAndFile(definition: ReturnType<typeof procedure>) {
  await stack.procedures.publish(definition, 'test', 'api');
  const res = await actors.citizen({
    method: 'POST',
    url: '/applications',
    payload: { procedureId: definition.id, officeId: actors.office, data: {} },
  });
  expect(res.statusCode, res.body).toBe(201);
  const filed = res.json();
  return filed as { trackingNumber: string; tasks: Array<{ id: string }>; deadline: { dueAt: string } };
}

const follow = async (trackingNumber: string) => (await actors.citizen({ method: 'GET', url: `/applications/${trackingNumber}` })).json();
const workflowState = (trackingNumber: string) => applicationState(stack, trackingNumber);
const timelineKinds = async (trackingNumber: string) =>
  ((await actors.agent({ method: 'GET', url: `/applications/${trackingNumber}/timeline` })).json().entries as Array<{ kind: string }>).map((e) => e.kind);

describe('legal deadlines on the real Temporal server', () => {
  it('expiry with silence-means-consent closes the application as approved, with its attestation', async () => {
    const filed = await publishAndFile(
      procedure('silence-consent', { budget: { duration: 'PT3S' }, onExpiry: { action: 'autoApprove', end: 'granted', attestation: 'silence-attestation' } }),
    );
    const closed = await eventually(async () => {
      const view = await follow(filed.trackingNumber);
      return view.status === 'closed' ? view : undefined;
    });
    expect(closed).toEqual(applicationAnswer({ outcome: 'approved', grantedBySilence: true, document: 'silence-attestation' }));
    expect(closed.tasks[0].status).toBe('cancelled');
    const messages = await stack.orm.em.fork().find(Notification, { trackingNumber: filed.trackingNumber });
    expect(messages.map((m) => m.template)).toContain('grantedBySilence');
  });

  it('a warning fires at its rung, then expiry escalates the task to the supervisor', async () => {
    const filed = await publishAndFile(
      procedure('warn-escalate', {
        budget: { duration: 'PT4S' },
        warnings: [{ before: { duration: 'PT2S' }, notify: ['assignee'] }],
        onExpiry: { action: 'escalate', toRole: 'supervisor', notify: ['supervisor'] },
      }),
    );
    const escalated = await eventually(async () => {
      const res = await actors.supervisor({ method: 'GET', url: `/tasks?officeId=${actors.office}` });
      return (res.json().tasks as Array<{ id: string; role: string; escalated: boolean }>).find((t) => t.id === filed.tasks[0]!.id && t.escalated);
    });
    expect(escalated.role).toBe('supervisor');
    const kinds = await timelineKinds(filed.trackingNumber);
    expect(kinds.indexOf('deadlineWarned')).toBeGreaterThan(-1);
    expect(kinds.indexOf('deadlineWarned')).toBeLessThan(kinds.indexOf('deadlineExpired'));
    expect(kinds).toContain('taskEscalated');
    const templates = (await stack.orm.em.fork().find(Notification, { trackingNumber: filed.trackingNumber })).map((m) => m.template);
    expect(templates).toEqual(expect.arrayContaining(['deadlineWarning', 'escalation']));
    // The application is still open: the supervisor decides.
    const done = await actors.supervisor({ method: 'POST', url: `/tasks/${filed.tasks[0]!.id}/complete`, payload: { outcome: 'approve' } });
    expect(done.json()).toEqual(applicationAnswer({ status: 'closed', outcome: 'approved' }));
  });

  it('a complement request pauses the clock, and the due date moves by the paused time', async () => {
    // Language 1, where the request action itself is refused the second time (the next test has language 2).
    const filed = await publishAndFile(
      procedure('complement-pause', { budget: { duration: 'PT8S' }, onExpiry: { action: 'autoApprove', end: 'granted', attestation: 'silence-attestation' } }, { languageVersion: 1 }),
    );
    const dueBefore = Date.parse(filed.deadline.dueAt);
    const asked = await actors.agent({
      method: 'POST',
      url: `/tasks/${filed.tasks[0]!.id}/request-complement`,
      payload: { documents: ['plans'], note: 'Plans are missing' },
    });
    expect(asked.statusCode, asked.body).toBe(200);
    expect(asked.json().deadline.paused).toBe(true);
    const pausedFor = 3000;
    await new Promise((r) => setTimeout(r, pausedFor));
    const notYet = await actors.citizen({ method: 'POST', url: `/applications/${filed.trackingNumber}/complement`, payload: { documents: ['plans'] } });
    expect(notYet.statusCode).toBe(400);
    const upload = await actors.citizen({ method: 'POST', url: `/applications/${filed.trackingNumber}/documents/plans`, ...multipartFile('plans.pdf', Buffer.from('%PDF-1.4 plans')) });
    expect(upload.statusCode, upload.body).toBe(201);
    const provided = await actors.citizen({ method: 'POST', url: `/applications/${filed.trackingNumber}/complement`, payload: { documents: ['plans'] } });
    expect(provided.statusCode, provided.body).toBe(200);
    const dueAfter = Date.parse(provided.json().deadline.dueAt);
    expect(dueAfter - dueBefore).toBeGreaterThanOrEqual(pausedFor - 200);
    expect((await workflowState(filed.trackingNumber)).deadlines.legal?.ledger.map((e) => e.type)).toEqual(['started', 'paused', 'resumed']);
    // A second request is refused: only once per file (Law 55.19).
    const task = provided.json().tasks.find((t: { status: string }) => t.status === 'open');
    const again = await actors.agent({ method: 'POST', url: `/tasks/${task.id}/request-complement`, payload: { documents: ['plans'] } });
    expect(again.statusCode).toBe(422);
    expect(again.json().code).toBe('complement_not_allowed');
  });

  it('in language 2 a second request goes where the definition says, as the outcome would', async () => {
    const filed = await publishAndFile(procedure('complement-twice', { budget: { duration: 'PT1H' }, onExpiry: { action: 'notify', notify: ['supervisor'] } }));
    const asked = await actors.agent({ method: 'POST', url: `/tasks/${filed.tasks[0]!.id}/request-complement`, payload: { documents: ['plans'] } });
    expect(asked.statusCode, asked.body).toBe(200);
    const upload = await actors.citizen({ method: 'POST', url: `/applications/${filed.trackingNumber}/documents/plans`, ...multipartFile('plans.pdf', Buffer.from('%PDF-1.4 plans')) });
    expect(upload.statusCode, upload.body).toBe(201);
    const provided = await actors.citizen({ method: 'POST', url: `/applications/${filed.trackingNumber}/complement`, payload: { documents: ['plans'] } });
    expect(provided.statusCode, provided.body).toBe(200);
    const task = provided.json().tasks.find((t: { status: string }) => t.status === 'open');
    const again = await actors.agent({ method: 'POST', url: `/tasks/${task.id}/request-complement`, payload: { documents: ['plans'] } });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ status: 'closed', outcome: 'rejected', motivation: 'refused' });
  });

  it('an extension re-arms the timer: the application does not expire at the old due instant', async () => {
    // Language 2 extends a duration by units of its own smallest unit: 4 units of PT4S add 4 seconds.
    const filed = await publishAndFile(
      procedure('extension', {
        budget: { duration: 'PT4S' },
        extension: { maxCount: 1, units: 4, noticeRequired: true },
        onExpiry: { action: 'autoReject', end: 'refused', motivation: text('implicit refusal') },
      }),
    );
    const extended = await actors.supervisor({
      method: 'POST',
      url: `/applications/${filed.trackingNumber}/extension`,
      payload: { units: 4, reason: 'a technical expertise is needed' },
    });
    expect(extended.statusCode, extended.body).toBe(200);
    const newDue = Date.parse(extended.json().deadline.dueAt);
    expect(newDue - Date.parse(filed.deadline.dueAt)).toBe(4000);
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(filed.deadline.dueAt) - Date.now()) + 1000));
    expect((await follow(filed.trackingNumber)).status).toBe('open');
    const closed = await eventually(async () => {
      const view = await follow(filed.trackingNumber);
      return view.status === 'closed' ? view : undefined;
    });
    expect(closed).toEqual(applicationAnswer({ outcome: 'rejected', motivation: 'implicit refusal' }));
    expect(Date.parse(closed.closedAt)).toBeGreaterThanOrEqual(newDue);
    const second = await actors.supervisor({ method: 'POST', url: `/applications/${filed.trackingNumber}/extension`, payload: { units: 1, reason: 'again and again' } });
    expect(second.statusCode).toBe(409);
  });

  it('a closure added to the calendar reschedules a running deadline, and its ledger says why', async () => {
    const filed = await publishAndFile(procedure('calendar-change', { budget: { workingDays: 3 }, onExpiry: { action: 'notify', notify: ['supervisor'] } }));
    const { before, res } = await closeNextWorkingDay(stack, filed.trackingNumber);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().signalledApplications).toBeGreaterThanOrEqual(1);
    const moved = await reprojectedDeadline(stack, filed.trackingNumber);
    expect(moved.projection!.dueDate).toBe(addWorkingDays(before.dueDate, 1, await stack.calendars.current()));
    const entry = moved.ledger.find((e) => e.type === 'reprojected') as { movedBy: string[]; previousDueAt: string };
    expect(entry.previousDueAt).toBe(before.dueAt);
    expect(entry.movedBy.join(' ')).toMatch(/Exceptional closure/);
    await eventually(async () => ((await follow(filed.trackingNumber)).deadline?.dueDate === moved.projection!.dueDate ? true : undefined));
  });
});
