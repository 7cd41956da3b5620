/**
 * Mohla's integration scenarios on the production shape: a Temporal cluster on PostgreSQL (frontend,
 * history, matching and worker services as four processes), two Mohla worker processes on one task
 * queue, and two API processes that a person's successive calls alternate between.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays } from '../../engine/calendar.js';
import { testProcedure, text } from '../helpers/definitions.js';
import { multipartFile } from '../helpers/multipart.js';
import { createTestStack, eventually, people, type TestStack } from '../helpers/stack.js';
import { applicationState, closeNextWorkingDay, reprojectedDeadline } from '../helpers/calendar-closure.js';

// An office of the shipped directory: the API processes know only those.
const OFFICE = 'annex-berkane-1';
const residenceForm = { fullName: 'Amina Idrissi', cin: 'FB123456', address: '12 rue Al Amal, Berkane' };

let stack: TestStack;
let actors: Awaited<ReturnType<typeof people>>;

beforeAll(async () => {
  stack = await createTestStack();
  actors = await people(stack, OFFICE);
});

// Every history of the file is replayed against the current workflow code when the stack closes.
afterAll(async () => {
  await stack?.close();
});

function procedure(id: string, deadline: Record<string, unknown>) {
  return testProcedure(`${id}-${stack.id}`, {
    deadline,
    steps: {
      review: { type: 'userTask', role: 'agent', title: text('Review'), outcomes: { approve: { next: 'granted' }, reject: { next: 'refused' }, incomplete: { next: 'ask' } } },
      ask: { type: 'requestComplement', documents: ['plans'], onlyOnce: true, ifAlreadyRequested: 'refused', answerWithin: { duration: 'PT1H' }, next: 'review', onTimeout: 'refused' },
    },
  });
}

type Filed = { trackingNumber: string; tasks: Array<{ id: string }>; deadline: { dueAt: string } };

async function publishAndFile(definition: ReturnType<typeof procedure>): Promise<Filed> {
  await stack.procedures.publish(definition, 'test', 'api');
  const res = await actors.citizen({ method: 'POST', url: '/applications', payload: { procedureId: definition.id, officeId: OFFICE, data: {} } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const follow = async (trackingNumber: string) => (await actors.citizen({ method: 'GET', url: `/applications/${trackingNumber}` })).json();
const workflowState = (trackingNumber: string) => applicationState(stack, trackingNumber);
const closed = (trackingNumber: string) =>
  eventually(async () => {
    const view = await follow(trackingNumber);
    return view.status === 'closed' ? view : undefined;
  }, 60_000);

describe('Mohla on a Temporal cluster, two workers and two APIs', () => {
  it('files, decides and closes an application; visibility on PostgreSQL finds it by its search attributes', async () => {
    const filing = await actors.citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', officeId: OFFICE, data: residenceForm } });
    expect(filing.statusCode, filing.body).toBe(201);
    const filed = filing.json() as Filed;
    // The filing answered once projected: the other API process already shows the task.
    const inbox = (await actors.agent({ method: 'GET', url: `/tasks?officeId=${OFFICE}` })).json().tasks as Array<{ id: string; trackingNumber: string }>;
    expect(inbox.map((t) => t.trackingNumber)).toContain(filed.trackingNumber);
    const done = await actors.agent({ method: 'POST', url: `/tasks/${filed.tasks[0]!.id}/complete`, payload: { outcome: 'approve' } });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'closed', outcome: 'approved', document: 'residence-certificate' });
    expect(await follow(filed.trackingNumber)).toMatchObject({ status: 'closed', outcome: 'approved' });
    const listed = await eventually(async () => {
      for await (const wf of stack.client.workflow.list({ query: `MohlaOffice = '${OFFICE}' AND MohlaStatus = 'closed' AND WorkflowId = '${filed.trackingNumber}'` })) return wf;
      return undefined;
    });
    expect(listed.workflowId).toBe(filed.trackingNumber);
  });

  it('runs a complement round trip: the clock pauses, the citizen hands in the document, the agent decides', async () => {
    const filed = await publishAndFile(procedure('complement', { budget: { duration: 'PT1H' }, onExpiry: { action: 'notify', notify: ['supervisor'] } }));
    const asked = await actors.agent({ method: 'POST', url: `/tasks/${filed.tasks[0]!.id}/request-complement`, payload: { documents: ['plans'], note: 'Plans are missing' } });
    expect(asked.statusCode, asked.body).toBe(200);
    expect(asked.json().deadline.paused).toBe(true);
    const upload = await actors.citizen({ method: 'POST', url: `/applications/${filed.trackingNumber}/documents/plans`, ...multipartFile('plans.pdf', Buffer.from('%PDF-1.4 plans')) });
    expect(upload.statusCode, upload.body).toBe(201);
    const provided = await actors.citizen({ method: 'POST', url: `/applications/${filed.trackingNumber}/complement`, payload: { documents: ['plans'] } });
    expect(provided.statusCode, provided.body).toBe(200);
    expect((await workflowState(filed.trackingNumber)).deadlines.legal?.ledger.map((e) => e.type)).toEqual(['started', 'paused', 'resumed']);
    const task = provided.json().tasks.find((t: { status: string }) => t.status === 'open');
    const done = await actors.agent({ method: 'POST', url: `/tasks/${task.id}/complete`, payload: { outcome: 'approve' } });
    expect(done.json()).toMatchObject({ status: 'closed', outcome: 'approved' });
  });

  it('grants by silence when the deadline expires, on a timer the history service keeps', async () => {
    const filed = await publishAndFile(
      procedure('silence', { budget: { duration: 'PT3S' }, onExpiry: { action: 'autoApprove', end: 'granted', attestation: 'silence-attestation' } }),
    );
    const view = await closed(filed.trackingNumber);
    expect(view).toMatchObject({ outcome: 'approved', grantedBySilence: true, document: 'silence-attestation' });
    expect(Date.parse(view.closedAt)).toBeGreaterThanOrEqual(Date.parse(filed.deadline.dueAt));
  });

  it('reschedules a running deadline when a closure is added to the calendar', async () => {
    const filed = await publishAndFile(procedure('calendar', { budget: { workingDays: 3 }, onExpiry: { action: 'notify', notify: ['supervisor'] } }));
    const { before, res } = await closeNextWorkingDay(stack, filed.trackingNumber);
    expect(res.statusCode, res.body).toBe(201);
    const moved = await reprojectedDeadline(stack, filed.trackingNumber);
    expect(moved.projection!.dueDate).toBe(addWorkingDays(before.dueDate, 1, await stack.calendars.current()));
  });
});
