import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationAnswer, eachItem, fieldError, inboxTaskAnswer, problemAnswer, taskAnswer } from './helpers/answers.js';
import { Worker } from '@temporalio/worker';
import { searchAttributes } from '../workflows/search-attributes.js';
import { createTestStack, eventually, people, type TestStack } from './helpers/stack.js';
import { loadConfig } from '../infra/config.js';
import { temporalDataConverter } from '../infra/data-converter.js';

const residenceForm = { fullName: 'Amina Idrissi', cin: 'FB123456', address: '12 rue Al Amal, Berkane' };

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack();
});
afterAll(async () => {
  await stack?.close();
});

async function file(officeId: string) {
  const { citizen } = await people(stack, officeId);
  const res = await citizen({
    method: 'POST',
    url: '/applications',
    payload: { procedureId: 'residence-certificate', officeId, data: residenceForm },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function inbox(officeId: string) {
  const { agent } = await people(stack, officeId);
  const res = await agent({ method: 'GET', url: `/tasks?officeId=${officeId}` });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.json()).toEqual({ tasks: eachItem(inboxTaskAnswer()), nextCursor: null });
  return res.json().tasks as Array<{ id: string; trackingNumber: string; status: string }>;
}

async function agentOf(officeId: string) {
  return (await people(stack, officeId)).agent;
}

describe('walking skeleton: file → inbox → complete → closed', () => {
  it('runs an application through every layer and closes it with its outcome', async () => {
    const office = `annex-${stack.id}`;
    const filed = await file(office);
    expect(filed.trackingNumber).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]$/);
    expect(filed.status).toBe('open');

    // The workflow id is the tracking number.
    const description = await stack.client.workflow.getHandle(filed.trackingNumber).describe();
    expect(description.status.name).toBe('RUNNING');

    // The filing call answers once the projection is written: the task is already in the inbox.
    const tasks = await inbox(office);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toEqual(inboxTaskAnswer({ trackingNumber: filed.trackingNumber, status: 'open' }));

    const { agent, citizen, agentId } = await people(stack, office);
    const completed = await agent({
      method: 'POST',
      url: `/tasks/${tasks[0]!.id}/complete`,
      payload: { outcome: 'approve' },
    });
    expect(completed.statusCode, completed.body).toBe(200);
    expect(completed.json()).toEqual(applicationAnswer({ status: 'closed', outcome: 'approved', document: 'residence-certificate' }));

    const followed = await citizen({ method: 'GET', url: `/applications/${filed.trackingNumber.toLowerCase()}` });
    expect(followed.statusCode).toBe(200);
    expect(followed.json()).toEqual(
      applicationAnswer({
        trackingNumber: filed.trackingNumber,
        status: 'closed',
        outcome: 'approved',
        tasks: [taskAnswer({ status: 'completed', outcome: 'approve', assignee: agentId })],
      }),
    );
    expect(await inbox(office)).toHaveLength(0);

    // Search attributes find it (visibility is eventually consistent).
    const listed = await eventually(async () => {
      const found: string[] = [];
      for await (const wf of stack.client.workflow.list({
        query: `MohlaOffice = '${office}' AND MohlaStatus = 'closed'`,
      })) {
        found.push(wf.workflowId);
      }
      return found.length ? found : undefined;
    });
    expect(listed).toEqual([filed.trackingNumber]);
    const result = await stack.client.workflow.getHandle(filed.trackingNumber).result();
    expect(result.outcome).toBe('approved');
    const desc = await stack.client.workflow.getHandle(filed.trackingNumber).describe();
    expect(desc.typedSearchAttributes.get(searchAttributes.procedure)).toBe('residence-certificate');

    // The history replays cleanly against the current workflow code.
    const history = await stack.client.workflow.getHandle(filed.trackingNumber).fetchHistory();
    const replays = Worker.runReplayHistories(
      { workflowBundle: { codePath: stack.workflowBundlePath }, replayName: 'skeleton', dataConverter: temporalDataConverter(loadConfig().codecKeys) },
      [{ workflowId: filed.trackingNumber, history }],
    );
    for await (const replay of replays) expect(replay.error).toBeUndefined();
  });

  it('rejects a second completion with 409 and answers an identical retry with the same result', async () => {
    const office = `annex-dup-${stack.id}`;
    const filed = await file(office);
    const taskId = filed.tasks[0].id;
    const agent = await agentOf(office);
    const payload = { outcome: 'reject' };
    const first = await agent({ method: 'POST', url: `/tasks/${taskId}/complete`, payload });
    expect(first.statusCode, first.body).toBe(200);
    const retry = await agent({ method: 'POST', url: `/tasks/${taskId}/complete`, payload });
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.json()).toEqual(applicationAnswer({ status: 'closed', outcome: 'rejected' }));
    const other = await agent({
      method: 'POST',
      url: `/tasks/${taskId}/complete`,
      payload: { outcome: 'approve' },
    });
    expect(other.statusCode, other.body).toBe(409);
    expect(other.headers['content-type']).toContain('application/problem+json');
    expect(other.json()).toEqual(problemAnswer({ status: 409, code: 'task_not_open' }));
    const followed = await agent({ method: 'GET', url: `/applications/${filed.trackingNumber}` });
    expect(followed.json()).toEqual(applicationAnswer({ outcome: 'rejected' }));
  });

  it('refuses an outcome the task does not declare, naming the field, and leaves the task open', async () => {
    const office = `annex-outcome-${stack.id}`;
    const filed = await file(office);
    const taskId = filed.tasks[0].id;
    const res = await (await agentOf(office))({
      method: 'POST',
      url: `/tasks/${taskId}/complete`,
      payload: { outcome: 'maybe' },
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json()).toEqual(problemAnswer({ status: 422, code: 'unknown_outcome', errors: [fieldError('/outcome')] }));
    expect((await inbox(office)).map((t) => t.status)).toEqual(['open']);
  });
});

describe('bad input', () => {
  const citizen = async () => (await people(stack, 'annex-1')).citizen;

  it('names each missing or mistyped field of the form with a 400 problem', async () => {
    const res = await (await citizen())({
      method: 'POST',
      url: '/applications',
      payload: { procedureId: 'residence-certificate', officeId: 'annex-1', data: { fullName: 42, cin: 'FB1' } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const pointers = res.json().errors.map((e: { pointer: string }) => e.pointer).sort();
    expect(pointers).toEqual(['/data/address', '/data/fullName']);
  });

  it('names a body field of the wrong type', async () => {
    const res = await (await citizen())({
      method: 'POST',
      url: '/applications',
      payload: { procedureId: 'residence-certificate', officeId: 7, data: residenceForm },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ pointer: '/officeId', message: 'must be string' }]);
  });

  it('says which procedure is unknown with a 404', async () => {
    const res = await (await citizen())({
      method: 'POST',
      url: '/applications',
      payload: { procedureId: 'no-such-procedure', officeId: 'annex-1', data: {} },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual(problemAnswer({ status: 404, code: 'procedure_not_found', errors: [fieldError('/procedureId')] }));
  });

  it('tells a mistyped tracking number from an unknown one', async () => {
    const typo = await (await citizen())({ method: 'GET', url: '/applications/7KQM-4RZ8-A' });
    expect(typo.statusCode).toBe(400);
    expect(typo.json().detail).toContain('check character');
    const unknown = await (await citizen())({ method: 'GET', url: '/applications/0000-0000-0' });
    expect(unknown.statusCode).toBe(404);
  });
});

describe('GET /health', () => {
  it('reports Temporal, PostgreSQL and Redis', async () => {
    const res = await stack.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    const up = { ok: true, latencyMs: expect.any(Number) };
    expect(res.json()).toEqual({ status: 'ok', services: { temporal: up, postgres: up, redis: up } });
  });
});
