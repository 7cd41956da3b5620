/**
 * Bulk work in the inbox on the real stack: an agent claims several tasks at once, a supervisor reassigns
 * them, an agent completes them with one outcome where the step allows it. Each task is done or refused on
 * its own (another office's task as if it did not exist), a retried bulk applies nothing twice, and a
 * malformed request is refused whole with the field it concerns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testProcedure } from './helpers/definitions.js';
import { as, createTestStack, eventually, people, tokenFor, type TestStack } from './helpers/stack.js';

let stack: TestStack;
let here: Awaited<ReturnType<typeof people>>;
let there: Awaited<ReturnType<typeof people>>;

beforeAll(async () => {
  stack = await createTestStack();
  here = await people(stack, `bulk-here-${stack.id}`);
  there = await people(stack, `bulk-there-${stack.id}`);
  const review = (bulkComplete: boolean) => ({
    review: { type: 'userTask', role: 'agent', title: { ar: 'دراسة', fr: 'Examen', en: 'Review' }, outcomes: { approve: { next: 'granted' }, reject: { next: 'refused' } }, ...(bulkComplete ? { bulkComplete } : {}) },
  });
  await stack.procedures.publish(testProcedure('bulk-allowed', { steps: review(true) }), 'test', 'api');
  await stack.procedures.publish(testProcedure('bulk-one-by-one', { steps: review(false) }), 'test', 'api');
});

// The stack replays every history of this file when it closes.
afterAll(async () => {
  await stack?.close();
});

type Caller = ReturnType<typeof as>;

/** Files an application and waits for its review task to reach the inbox. */
async function reviewTask(office: typeof here, procedureId: string): Promise<{ trackingNumber: string; taskId: string }> {
  const res = await office.citizen({ method: 'POST', url: '/applications', payload: { procedureId, officeId: office.office, data: {} } });
  expect(res.statusCode, res.body).toBe(201);
  const trackingNumber = res.json().trackingNumber as string;
  const taskId = await eventually(async () => {
    const tasks = (await office.agent({ method: 'GET', url: `/tasks?officeId=${office.office}&procedureId=${procedureId}` })).json().tasks as Array<{ id: string; trackingNumber: string }>;
    return tasks.find((t) => t.trackingNumber === trackingNumber)?.id;
  });
  return { trackingNumber, taskId };
}

const bulk = async (caller: Caller, payload: Record<string, unknown>) => {
  const res = await caller({ method: 'POST', url: '/tasks/bulk', payload });
  return { status: res.statusCode, body: res.json() };
};

const taskOf = async (caller: Caller, trackingNumber: string, taskId: string) =>
  ((await caller({ method: 'GET', url: `/applications/${trackingNumber}` })).json().tasks as Array<{ id: string; status: string; assignee: string | null }>).find((t) => t.id === taskId);

describe('POST /tasks/bulk', () => {
  it('claims, reassigns and completes several tasks, each done or refused on its own, and a retry applies nothing twice', async () => {
    const mine = [await reviewTask(here, 'bulk-allowed'), await reviewTask(here, 'bulk-allowed'), await reviewTask(here, 'bulk-allowed')];
    const oneByOne = await reviewTask(here, 'bulk-one-by-one');
    const elsewhere = await reviewTask(there, 'bulk-allowed');

    // Claim: the other office's task is refused as if it did not exist, and so is an id no task has.
    const claim = { action: 'claim', taskIds: [mine[0]!.taskId, elsewhere.taskId, mine[1]!.taskId, `${mine[2]!.trackingNumber}.nothing.1`] };
    const claimed = await bulk(here.agent, claim);
    expect(claimed.status).toBe(200);
    expect(claimed.body.results).toEqual([
      { taskId: mine[0]!.taskId, result: 'done' },
      { taskId: elsewhere.taskId, result: 'refused', code: 'task_not_found', reason: expect.any(String) },
      { taskId: mine[1]!.taskId, result: 'done' },
      { taskId: `${mine[2]!.trackingNumber}.nothing.1`, result: 'refused', code: expect.stringMatching(/^(task_not_found|invalid_input)$/), reason: expect.any(String) },
    ]);
    // Nothing of the other office was touched, nor was its tracking number echoed in a reason.
    expect(JSON.stringify(claimed.body)).not.toContain(there.office);
    expect(await taskOf(there.agent, elsewhere.trackingNumber, elsewhere.taskId)).toMatchObject({ status: 'open', assignee: null });
    // The same bulk again (a lost answer, a second click): the same results, nothing applied twice.
    expect((await bulk(here.agent, claim)).body).toEqual(claimed.body);
    const timeline = (await here.agent({ method: 'GET', url: `/applications/${mine[0]!.trackingNumber}/timeline` })).json().entries as Array<{ kind: string }>;
    expect(timeline.filter((e) => e.kind === 'taskClaimed')).toHaveLength(1);

    // Reassigning is for supervisors.
    const byAgent = await bulk(here.agent, { action: 'reassign', taskIds: [mine[2]!.taskId], toAgent: 'agent-bulk' });
    expect(byAgent.status).toBe(403);
    const everyTask = [...mine.map((m) => m.taskId), oneByOne.taskId];
    const reassigned = await bulk(here.supervisor, { action: 'reassign', taskIds: everyTask, toAgent: 'agent-bulk' });
    expect(reassigned.status).toBe(200);
    expect(reassigned.body.results.map((r: { result: string }) => r.result)).toEqual(['done', 'done', 'done', 'done']);
    for (const m of mine) expect(await taskOf(here.supervisor, m.trackingNumber, m.taskId)).toMatchObject({ assignee: 'agent-bulk' });

    // Completing with one outcome: where the step allows it; an undeclared outcome is refused per task.
    const bulkAgent = as(stack, await tokenFor('agent', 'agent-bulk', [here.office]));
    const wrongOutcome = await bulk(bulkAgent, { action: 'complete', taskIds: [mine[2]!.taskId], outcome: 'grant' });
    expect(wrongOutcome.body.results).toEqual([{ taskId: mine[2]!.taskId, result: 'refused', code: 'unknown_outcome', reason: expect.any(String) }]);
    const complete = { action: 'complete', taskIds: everyTask, outcome: 'approve' };
    const completed = await bulk(bulkAgent, complete);
    expect(completed.body.results).toEqual([
      { taskId: mine[0]!.taskId, result: 'done' },
      { taskId: mine[1]!.taskId, result: 'done' },
      { taskId: mine[2]!.taskId, result: 'done' },
      { taskId: oneByOne.taskId, result: 'refused', code: 'bulk_not_allowed', reason: expect.any(String) },
    ]);
    for (const m of mine) {
      await eventually(async () => {
        const view = (await here.citizen({ method: 'GET', url: `/applications/${m.trackingNumber}` })).json();
        return view.status === 'closed' && view.outcome === 'approved' ? view : undefined;
      });
    }
    // The one-by-one task is untouched, still the agent's to complete on its own.
    expect(await taskOf(bulkAgent, oneByOne.trackingNumber, oneByOne.taskId)).toMatchObject({ status: 'claimed', assignee: 'agent-bulk' });
    // Retried after the applications closed: the same answer for the tasks this very request completed.
    expect((await bulk(bulkAgent, complete)).body).toEqual(completed.body);
  }, 180_000);

  it('refuses a malformed bulk whole, naming the field', async () => {
    const refusal = async (payload: Record<string, unknown>, caller: Caller = here.agent) => {
      const res = await caller({ method: 'POST', url: '/tasks/bulk', payload });
      return { status: res.statusCode, pointers: ((res.json().errors ?? []) as Array<{ pointer: string }>).map((e) => e.pointer) };
    };
    expect(await refusal({ action: 'complete', taskIds: ['X'] })).toEqual({ status: 400, pointers: ['/outcome'] });
    expect(await refusal({ action: 'claim', taskIds: [] })).toEqual({ status: 400, pointers: ['/taskIds'] });
    expect(await refusal({ action: 'claim', taskIds: Array.from({ length: 51 }, (_, i) => `T${i}`) })).toEqual({ status: 400, pointers: ['/taskIds'] });
    expect(await refusal({ action: 'claim', taskIds: ['A', 'A'] })).toEqual({ status: 400, pointers: ['/taskIds'] });
    expect(await refusal({ action: 'delete', taskIds: ['A'] })).toEqual({ status: 400, pointers: ['/action'] });
    expect(await refusal({ action: 'reassign', taskIds: ['A'] }, here.supervisor)).toEqual({ status: 400, pointers: ['/toAgent'] });
    const citizen = await here.citizen({ method: 'POST', url: '/tasks/bulk', payload: { action: 'claim', taskIds: ['A'] } });
    expect(citizen.statusCode).toBe(403);
  });
});
