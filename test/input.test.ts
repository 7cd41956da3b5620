/**
 * An application can never be jammed or forked by its input: nesting and sizes bounded before anything
 * reaches Temporal, offices checked against the directory, tracking numbers drawn at random and never
 * shared, and a projection PostgreSQL refuses for good turned into an incident instead of a retry loop.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { anInstant, problemAnswer } from './helpers/answers.js';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { fileApplication } from '../api/filing.js';
import { Application, IdempotentFiling, TimelineEntry } from '../db/entities.js';
import { canonicalJson } from '../engine/canonical-json.js';
import { trackingNumberFromBytes } from '../engine/tracking-number.js';
import { completeTask } from '../workflows/messages.js';
import { testProcedure } from './helpers/definitions.js';
import { apiContext, as, createTestStack, people, tokenFor, type TestStack } from './helpers/stack.js';


const residenceForm = { fullName: 'Amina Idrissi', cin: 'FB123456', address: '12 rue Al Amal, Berkane' };

let stack: TestStack;
let staff: Awaited<ReturnType<typeof people>>;
let admin: ReturnType<typeof as>;

beforeAll(async () => {
  stack = await createTestStack();
  staff = await people(stack, `annex-input-${stack.id}`);
  admin = as(stack, await tokenFor('admin', 'admin-input'));
  await stack.procedures.publish(testProcedure('input-bounds', { limits: { formBytes: 2048, taskDataBytes: 1024 } }), 'test', 'api');
  await stack.procedures.publish(testProcedure('input-defaults'), 'test', 'api');
});
afterAll(async () => {
  await stack?.close();
});

async function file(procedureId: string, data: Record<string, unknown>, headers: Record<string, string> = {}) {
  return staff.citizen({ method: 'POST', url: '/applications', payload: { procedureId, officeId: staff.office, data }, headers });
}

async function filed(procedureId = 'input-defaults', data: Record<string, unknown> = {}) {
  const res = await file(procedureId, data);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { trackingNumber: string; tasks: Array<{ id: string }> };
}

async function timelineKinds(trackingNumber: string): Promise<string[]> {
  const rows = await stack.orm.em.fork().find(TimelineEntry, { trackingNumber }, { orderBy: { seq: 'asc' } });
  return rows.map((r) => r.kind);
}


/** Everything written to the console (held back) or to stdout and stderr (still written) until stopped. */
function captureLogs() {
  const chunks: string[] = [];
  const spies = [
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void chunks.push(args.map(String).join(' '))),
    ),
    ...[process.stdout, process.stderr].map((stream) => {
      const write = stream.write.bind(stream);
      return vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
        chunks.push(String(chunk));
        return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stream.write);
    }),
  ];
  return { text: () => chunks.join('\n'), stop: () => spies.forEach((spy) => spy.mockRestore()) };
}

/** A JSON body whose `field` nests `depth` arrays: sent as text, since encoding it would overflow the test's own stack. */
const nestedBody = (before: string, depth: number, after: string) => ({
  payload: `${before}${'['.repeat(depth)}1${']'.repeat(depth)}${after}`,
  headers: { 'content-type': 'application/json' },
});

describe('offices', () => {
  it('refuses a filing for an office that is not in the directory, naming officeId', async () => {
    const res = await staff.citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', officeId: 'annex-nowhere', data: residenceForm } });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().errors).toContainEqual({ pointer: '/officeId', message: expect.stringContaining('not an office of the directory') });
    expect(await stack.orm.em.fork().count(Application, { officeId: 'annex-nowhere' })).toBe(0);
  });

  it('refuses a filing for an office that does not handle the procedure, naming officeId', async () => {
    const res = await staff.citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', officeId: 'commune-berkane', data: residenceForm } });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().errors).toContainEqual({ pointer: '/officeId', message: expect.stringContaining('residence-certificate is handled by: annex') });
  });
});

describe('deep nesting', () => {
  it('refuses task data nested deeper than the API takes with a 400 naming the field, and the task stays open', async () => {
    const { trackingNumber, tasks } = await filed();
    const res = await staff.agent({ method: 'POST', url: `/tasks/${tasks[0]!.id}/complete`, ...nestedBody('{"outcome":"approve","data":{"deep":', 50_000, '}}') });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().errors[0].pointer).toMatch(/^\/data\/deep(\/0)+$/);
    expect(await timelineKinds(trackingNumber)).not.toContain('taskCompleted');
  });

  it('refuses a deeply nested form the same way', async () => {
    const res = await staff.citizen({
      method: 'POST',
      url: '/applications',
      ...nestedBody(`{"procedureId":"input-defaults","officeId":"${staff.office}","data":{"note":"x","extra":`, 50_000, '}}'),
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().errors[0].pointer).toMatch(/^\/data\/extra(\/0)+$/);
  });
});

describe('sizes bounded by the definition', () => {
  it('refuses a form larger than the procedure allows with a 413 naming /data', async () => {
    const res = await file('input-bounds', { note: 'x'.repeat(3000) });
    expect(res.statusCode, res.body).toBe(413);
    expect(res.json()).toEqual(problemAnswer({ status: 413, code: 'input_too_large', errors: [{ pointer: '/data', message: 'is larger than 2048 bytes' }] }));
    expect((await file('input-bounds', { note: 'x'.repeat(1000) })).statusCode).toBe(201);
  });

  it('refuses ~900 KB of task data with a 413 before anything is decided, projected or notified', async () => {
    const { trackingNumber, tasks } = await filed();
    const res = await staff.agent({ method: 'POST', url: `/tasks/${tasks[0]!.id}/complete`, payload: { outcome: 'approve', data: { notes: 'x'.repeat(900_000) } } });
    expect(res.statusCode, res.body).toBe(413);
    expect(res.json().errors).toEqual([{ pointer: '/data', message: 'is larger than 16384 bytes' }]);
    expect(await timelineKinds(trackingNumber)).not.toContain('taskCompleted');
    const inbox = (await staff.agent({ method: 'GET', url: '/tasks' })).json().tasks as Array<{ id: string; status: string }>;
    expect(inbox.find((t) => t.id === tasks[0]!.id)?.status).toBe('open');
    // Still decidable with reasonable data.
    const decided = await staff.agent({ method: 'POST', url: `/tasks/${tasks[0]!.id}/complete`, payload: { outcome: 'approve', data: { notes: 'checked' } } });
    expect(decided.statusCode, decided.body).toBe(200);
  });

  it('has the workflow refuse oversized task data sent past the API, before it is projected', async () => {
    const { trackingNumber, tasks } = await filed('input-bounds');
    const sent = stack.client.workflow
      .getHandle(trackingNumber)
      .executeUpdate(completeTask, { args: [{ taskId: tasks[0]!.id, outcome: 'approve', actor: staff.agentId, data: { notes: 'x'.repeat(300_000) } }] });
    const err = await sent.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(((err as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe('input_too_large');
    expect(await timelineKinds(trackingNumber)).not.toContain('taskCompleted');
  });
});

describe('tracking numbers and idempotent filing', () => {
  it('draws the tracking number at random, not from the caller and the Idempotency-Key', async () => {
    const key = `derive-${stack.id}-0001`;
    const res = await file('input-defaults', {}, { 'idempotency-key': key });
    expect(res.statusCode, res.body).toBe(201);
    const derived = trackingNumberFromBytes(createHash('sha256').update(`${staff.citizenId}\n${key}`).digest());
    expect(res.json().trackingNumber).not.toBe(derived);
  });

  it('gives concurrent retries with one key one application', async () => {
    const headers = { 'idempotency-key': `concurrent-${stack.id}-0001` };
    const answers = await Promise.all(Array.from({ length: 6 }, () => file('input-defaults', { note: 'same' }, headers)));
    expect(answers.map((a) => a.statusCode).every((s) => s === 200 || s === 201), answers.map((a) => a.body).join('\n')).toBe(true);
    const numbers = new Set(answers.map((a) => a.json().trackingNumber as string));
    expect(numbers.size).toBe(1);
    expect(await stack.orm.em.fork().count(Application, { trackingNumber: [...numbers][0]! })).toBe(1);
  });

  it("gives two citizens whose keys collided under the old derivation two applications, each their own", async () => {
    // Found by search: both (caller, key) pairs gave A0NN-K1NB when numbers were derived from them.
    const pairs = [
      ['citizen-collide-a', 'key-a-434795'],
      ['citizen-collide-b', 'key-b-564466'],
    ] as const;
    const derived = pairs.map(([sub, key]) => trackingNumberFromBytes(createHash('sha256').update(`${sub}\n${key}`).digest()));
    expect(derived[0]).toBe(derived[1]);
    const answers = [];
    for (const [sub, key] of pairs) {
      const citizen = as(stack, await tokenFor('citizen', sub));
      const res = await citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'input-defaults', officeId: staff.office, data: { note: sub } }, headers: { 'idempotency-key': key } });
      expect(res.statusCode, res.body).toBe(201);
      answers.push(res.json() as { trackingNumber: string; citizen: string; receipt: { pin: string } });
    }
    expect(answers.map((a) => a.citizen)).toEqual(pairs.map(([sub]) => sub));
    expect(answers[0]!.trackingNumber).not.toBe(answers[1]!.trackingNumber);
  });

  it("never hands one citizen another's application when a key's record names it", async () => {
    const first = await filed('input-defaults', { note: 'first citizen' });
    const otherCitizen = as(stack, await tokenFor('citizen', `other-${stack.id}`));
    const key = `collide-${stack.id}-0001`;
    const data = { note: 'second citizen' };
    const procedure = (await stack.procedures.get('input-defaults'))!;
    // What a collision of the old 40-bit derived numbers left behind: a record naming someone else's application.
    const requestHash = createHash('sha256')
      .update(canonicalJson({ procedure: [procedure.id, procedure.version], officeId: staff.office, data, citizen: `other-${stack.id}` }))
      .digest('hex');
    const em = stack.orm.em.fork();
    em.create(IdempotentFiling, { scope: `other-${stack.id}`, key, requestHash, trackingNumber: first.trackingNumber, createdAt: new Date() });
    await em.flush();
    const res = await otherCitizen({ method: 'POST', url: '/applications', payload: { procedureId: 'input-defaults', officeId: staff.office, data }, headers: { 'idempotency-key': key } });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.body).not.toContain(first.trackingNumber);
    expect(res.json().errors).toEqual([{ pointer: 'header:/idempotency-key', message: 'cannot be used again' }]);
  });
});

describe('a projection PostgreSQL refuses for good', () => {
  for (const [what, fullName] of [
    ['a NUL character', 'Amina \u0000 Idrissi'],
    ['an unpaired surrogate', 'Amina \ud800 Idrissi'],
  ] as const) {
    it(`with ${what} past the edge: the filing answers, the application is reachable, an incident is listed, the history stays short`, async () => {
      const procedure = (await stack.procedures.get('residence-certificate'))!;
      const logged = captureLogs();
      const { application } = await fileApplication(apiContext(stack), {
        procedure,
        officeId: staff.office,
        data: { ...residenceForm, fullName },
        citizen: staff.citizenId,
        filedBy: staff.citizenId,
      }).finally(() => logged.stop());
      const tn = application.trackingNumber;
      // The worker runs in this process: what it and the activity logged names the application, not the form.
      expect(logged.text()).toContain(`projection of ${tn}`);
      for (const personal of ['Amina', 'Idrissi', residenceForm.cin, residenceForm.address]) expect(logged.text()).not.toContain(personal);
      const seen = await staff.citizen({ method: 'GET', url: `/applications/${tn}` });
      expect(seen.statusCode, seen.body).toBe(200);
      const row = await stack.orm.em.fork().findOneOrFail(Application, { trackingNumber: tn });
      expect(row.data.fullName).toBe('Amina \ufffd Idrissi');
      expect((await staff.agent({ method: 'GET', url: '/tasks' })).json().tasks.map((t: { trackingNumber: string }) => t.trackingNumber)).toContain(tn);
      const incidents = await admin({ method: 'GET', url: `/incidents?trackingNumber=${tn}` });
      expect(incidents.statusCode, incidents.body).toBe(200);
      expect(incidents.json()).toEqual({
        incidents: [
          expect.objectContaining({
            trackingNumber: tn,
            revision: expect.any(Number),
            code: expect.stringMatching(/^22/),
            reason: expect.stringContaining('replaced by U+FFFD'),
            occurredAt: anInstant,
            kind: 'projection-refused',
            status: 'open',
          }),
        ],
        nextOffset: null,
      });
      expect(incidents.body).not.toContain('Amina');
      // Not one retry after another: the filing's history is as short as any other's.
      const history = await stack.client.workflow.getHandle(tn).fetchHistory();
      expect(history.events?.length ?? 0).toBeLessThan(20);
      // The application carries on: the agent decides it.
      const decided = await staff.agent({ method: 'POST', url: `/tasks/${application.tasks[0]!.id}/complete`, payload: { outcome: 'approve' } });
      expect(decided.statusCode, decided.body).toBe(200);
    });
  }
});
