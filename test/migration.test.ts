/**
 * Moving running applications to a corrected version, on the real stack. Version 2 of a permit has a
 * mistake: a step that copies the file into an old paper register (`legacyRegistry`), and a technical
 * review whose service level is ten days instead of three. Version 3 drops the register, renames the
 * review and corrects its service level. Twenty applications are open on version 2 at different steps; a
 * plan maps the review, recomputes service levels and keeps the legal deadlines; the dry run lists which
 * move and which cannot; an administrator applies it in two batches. Those moved finish on version 3 with
 * their deadlines, those at the register are listed, untouched, and finish on version 2; every history
 * replays when the stack closes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walkAuditChain } from '../audit/chain.js';
import type { ApplicationState } from '../engine/interpreter/state.js';
import { applicationStatus, migrateApplication } from '../workflows/messages.js';
import { searchAttributes } from '../workflows/search-attributes.js';
import { testProcedure, text, userTask } from './helpers/definitions.js';
import { multipartFile } from './helpers/multipart.js';
import { as, createTestStack, eventually, people, tokenFor, type TestStack } from './helpers/stack.js';

const PROCEDURE = 'corrected-permit';

const commission = {
  commission: { type: 'parallel', branches: { urbanism: { start: 'urbanismReview' }, safety: { start: 'safetyReview' } }, completion: { mode: 'all' }, next: 'signature' },
  urbanismReview: userTask('agent', { done: 'commissionJoin' }),
  safetyReview: userTask('agent', { done: 'commissionJoin' }),
  commissionJoin: { type: 'join', parallel: 'commission' },
  signature: userTask('supervisor', { sign: 'granted', refuse: 'refused' }),
};

const askDocuments = { type: 'requestComplement', documents: ['plans'], onlyOnce: true, ifAlreadyRequested: 'technicalReview', answerWithin: { calendarDays: 30 }, next: 'intake', onTimeout: 'refused' };

const built = testProcedure(PROCEDURE, {
  version: 2,
  start: 'intake',
  steps: {
    intake: userTask('agent', { complete: 'technicalReview', incomplete: 'askDocuments' }),
    askDocuments,
    technicalReview: userTask('agent', { approve: 'legacyRegistry', reject: 'refused' }, { serviceLevel: { budget: { calendarDays: 10 }, onExpiry: { action: 'notify', notify: ['supervisor'] } } }),
    legacyRegistry: userTask('agent', { registered: 'commission' }),
    ...commission,
  },
});
// testProcedure's own agent task is not part of this procedure.
const { review: _default, ...stepsOf2 } = built.steps;
const version2 = { ...built, steps: stepsOf2 };

const { technicalReview: _review, legacyRegistry: _register, ...kept } = version2.steps as Record<string, unknown>;
const version3 = {
  ...version2,
  version: 3,
  steps: {
    ...kept,
    intake: userTask('agent', { complete: 'review', incomplete: 'askDocuments' }),
    askDocuments: { ...askDocuments, ifAlreadyRequested: 'review' },
    review: { ...userTask('agent', { approve: 'commission', reject: 'refused' }, { serviceLevel: { budget: { calendarDays: 3 }, onExpiry: { action: 'notify', notify: ['supervisor'] } } }), title: text('Technical review') },
  },
};

let stack: TestStack;
let office: Awaited<ReturnType<typeof people>>;
let admin: ReturnType<typeof as>;
let designer: ReturnType<typeof as>;

beforeAll(async () => {
  stack = await createTestStack();
  office = await people(stack, `migration-${stack.id}`);
  admin = as(stack, await tokenFor('admin', 'admin-migration'));
  designer = as(stack, await tokenFor('designer', 'designer-migration'));
  await stack.procedures.publish(version2, 'test', 'api');
});

// The stack replays every history of this file when it closes: those that moved, and those that did not.
afterAll(async () => {
  await stack?.close();
});

interface Task {
  id: string;
  stepId: string;
  status: string;
}

const state = (trackingNumber: string) => stack.client.workflow.getHandle(trackingNumber).query(applicationStatus) as Promise<ApplicationState>;

const view = async (trackingNumber: string) => (await office.agent({ method: 'GET', url: `/applications/${trackingNumber}` })).json();

async function openTask(trackingNumber: string, stepId?: string): Promise<Task> {
  return eventually(async () => {
    const tasks = (await view(trackingNumber)).tasks as Task[];
    return tasks.find((t) => (t.status === 'open' || t.status === 'claimed') && (!stepId || t.stepId === stepId));
  });
}

async function complete(trackingNumber: string, stepId: string, outcome: string): Promise<void> {
  const task = await openTask(trackingNumber, stepId);
  const caller = stepId === 'signature' ? office.supervisor : office.agent;
  const res = await caller({ method: 'POST', url: `/tasks/${task.id}/complete`, payload: { outcome } });
  expect(res.statusCode, res.body).toBe(200);
}

async function file(procedureId = PROCEDURE): Promise<string> {
  const res = await office.citizen({ method: 'POST', url: '/applications', payload: { procedureId, officeId: office.office, data: {} } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().trackingNumber as string;
}

/** The steps of version 2 the twenty applications are left at, and how each gets there. */
const placements: Record<string, (tn: string) => Promise<void>> = {
  intake: async () => undefined,
  intakeClaimed: async (tn) => {
    const task = await openTask(tn, 'intake');
    expect((await office.agent({ method: 'POST', url: `/tasks/${task.id}/claim` })).statusCode).toBe(200);
  },
  askDocuments: async (tn) => {
    const task = await openTask(tn, 'intake');
    const res = await office.agent({ method: 'POST', url: `/tasks/${task.id}/request-complement`, payload: { documents: ['plans'] } });
    expect(res.statusCode, res.body).toBe(200);
  },
  technicalReview: (tn) => complete(tn, 'intake', 'complete'),
  legacyRegistry: async (tn) => {
    await complete(tn, 'intake', 'complete');
    await complete(tn, 'technicalReview', 'approve');
  },
  commission: async (tn) => {
    await placements.legacyRegistry!(tn);
    await complete(tn, 'legacyRegistry', 'registered');
  },
  commissionHalfDone: async (tn) => {
    await placements.commission!(tn);
    await complete(tn, 'urbanismReview', 'done');
  },
  signature: async (tn) => {
    await placements.commission!(tn);
    await complete(tn, 'urbanismReview', 'done');
    await complete(tn, 'safetyReview', 'done');
  },
};

const layout: Array<[string, number]> = [
  ['intake', 3],
  ['intakeClaimed', 1],
  ['askDocuments', 3],
  ['technicalReview', 4],
  ['commission', 2],
  ['commissionHalfDone', 1],
  ['signature', 2],
  ['legacyRegistry', 4],
];

/** Drives an application to its end, whatever version it runs: the citizen answers, agents approve. */
async function finish(trackingNumber: string): Promise<void> {
  const outcomes: Record<string, string> = { intake: 'complete', review: 'approve', technicalReview: 'approve', legacyRegistry: 'registered', urbanismReview: 'done', safetyReview: 'done', signature: 'sign' };
  for (let round = 0; round < 12; round += 1) {
    const current = await view(trackingNumber);
    if (current.status === 'closed') return;
    if ((await state(trackingNumber)).complement.open) {
      const upload = await office.citizen({ method: 'POST', url: `/applications/${trackingNumber}/documents/plans`, ...multipartFile('plans.pdf', Buffer.from('%PDF-1.4 plans')) });
      expect(upload.statusCode, upload.body).toBe(201);
      const provided = await office.citizen({ method: 'POST', url: `/applications/${trackingNumber}/complement`, payload: { documents: ['plans'] } });
      expect(provided.statusCode, provided.body).toBe(200);
      continue;
    }
    const task = await openTask(trackingNumber);
    await complete(trackingNumber, task.stepId, outcomes[task.stepId]!);
    // The next task, or the close, is projected before the next round reads it.
    await eventually(async () => ((await view(trackingNumber)).tasks as Task[]).some((t) => t.id === task.id && t.status === 'completed') || undefined);
  }
  throw new Error(`${trackingNumber} did not finish`);
}

describe('moving running applications to a corrected version', () => {
  const filed: Array<{ trackingNumber: string; placement: string }> = [];

  it('moves the twenty open applications it can map to version 3, lists the others, and each finishes on its version', async () => {
    for (const [placement, count] of layout) {
      for (let i = 0; i < count; i += 1) {
        const trackingNumber = await file();
        await placements[placement]!(trackingNumber);
        filed.push({ trackingNumber, placement });
      }
    }
    expect(filed).toHaveLength(20);
    const before = new Map<string, ApplicationState>();
    for (const { trackingNumber } of filed) before.set(trackingNumber, await state(trackingNumber));
    await stack.procedures.publish(version3, 'test', 'api');

    // A plan that maps a step to nothing is refused, with the field.
    const wrong = await designer({ method: 'POST', url: `/procedures/${PROCEDURE}/migrations`, payload: { fromVersion: 2, toVersion: 3, plan: { steps: { technicalReview: 'technicalCheck' } } } });
    expect(wrong.statusCode, wrong.body).toBe(400);
    expect(wrong.json().errors).toEqual([{ pointer: '/plan/steps/technicalReview', message: expect.stringContaining('"technicalCheck"') }]);
    const backwards = await designer({ method: 'POST', url: `/procedures/${PROCEDURE}/migrations`, payload: { fromVersion: 3, toVersion: 2 } });
    expect(backwards.json().errors).toContainEqual({ pointer: '/toVersion', message: 'must be later than version 3' });

    // The designer writes the plan; the register step is where applications cannot move from.
    const plan = { steps: { technicalReview: 'review' }, deadlines: { serviceLevels: 'recompute' }, note: 'the paper register is gone; a technical review takes three days' };
    const created = await designer({ method: 'POST', url: `/procedures/${PROCEDURE}/migrations`, payload: { fromVersion: 2, toVersion: 3, plan } });
    expect(created.statusCode, created.body).toBe(201);
    const planId = created.json().id as string;
    expect(created.json().stays).toEqual([{ pointer: '/steps/legacyRegistry', message: 'step "legacyRegistry" is not in version 3 and the plan does not map it' }]);
    const again = await designer({ method: 'POST', url: `/procedures/${PROCEDURE}/migrations`, payload: { fromVersion: 2, toVersion: 3, plan } });
    expect([again.statusCode, again.json().id]).toEqual([200, planId]);
    const base = `/procedures/${PROCEDURE}/migrations/${planId}`;

    // The dry run: sixteen would move, the four at the register cannot; nothing changed.
    const dry = await designer({ method: 'GET', url: `${base}/dry-run` });
    expect(dry.statusCode, dry.body).toBe(200);
    const atRegister = filed.filter((f) => f.placement === 'legacyRegistry').map((f) => f.trackingNumber);
    const movable = filed.filter((f) => f.placement !== 'legacyRegistry').map((f) => f.trackingNumber);
    expect(dry.json().movable.map((m: { trackingNumber: string }) => m.trackingNumber).sort()).toEqual([...movable].sort());
    expect(dry.json().unmovable.map((u: { trackingNumber: string }) => u.trackingNumber).sort()).toEqual([...atRegister].sort());
    for (const u of dry.json().unmovable) expect(u.reasons).toEqual(['it is at step "legacyRegistry": step "legacyRegistry" is not in version 3 and the plan does not map it']);
    const reviewing = filed.find((f) => f.placement === 'technicalReview')!.trackingNumber;
    expect(dry.json().movable.find((m: { trackingNumber: string }) => m.trackingNumber === reviewing).steps).toEqual({ technicalReview: 'review' });
    for (const { trackingNumber } of filed) expect((await state(trackingNumber)).revision).toBe(before.get(trackingNumber)!.revision);

    // Only an administrator applies it.
    expect((await designer({ method: 'POST', url: `${base}/apply`, payload: {} })).statusCode).toBe(403);
    expect((await office.supervisor({ method: 'POST', url: `${base}/apply`, payload: {} })).statusCode).toBe(403);

    // Two batches: each application reported on its own.
    const first = await admin({ method: 'POST', url: `${base}/apply`, payload: { batchSize: 12 } });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().results).toHaveLength(12);
    expect(first.json().remaining).toBe(8);
    const second = await admin({ method: 'POST', url: `${base}/apply`, payload: { batchSize: 12 } });
    const results = [...first.json().results, ...second.json().results] as Array<{ trackingNumber: string; result: string; reasons: string[] }>;
    expect(second.json().remaining).toBe(0);
    expect(results.filter((r) => r.result === 'moved').map((r) => r.trackingNumber).sort()).toEqual([...movable].sort());
    expect(results.filter((r) => r.result === 'refused').map((r) => r.trackingNumber).sort()).toEqual([...atRegister].sort());
    // Once more, the refused ones looked at again: nothing moves twice, the register ones stay refused.
    const retried = await admin({ method: 'POST', url: `${base}/apply`, payload: { retryRefused: true } });
    expect(retried.json().results.map((r: { result: string }) => r.result)).toEqual(['refused', 'refused', 'refused', 'refused']);
    const status = (await admin({ method: 'GET', url: base })).json();
    expect(status.results.filter((r: { result: string }) => r.result === 'moved')).toHaveLength(16);
    expect(status.remaining).toBe(0);

    for (const trackingNumber of movable) {
      const was = before.get(trackingNumber)!;
      const now = await state(trackingNumber);
      expect(now.procedureVersion).toBe(3);
      // Ledger, tasks and timeline intact: the same tasks (ids kept), the same legal deadline.
      expect(Object.keys(now.tasks)).toEqual(Object.keys(was.tasks));
      expect(now.deadlines.legal!.ledger).toEqual(was.deadlines.legal!.ledger);
      expect(now.deadlines.legal!.projection!.dueAt).toBe(was.deadlines.legal!.projection!.dueAt);
      const application = await view(trackingNumber);
      expect(application.procedure.version).toBe(3);
      const timeline = (await office.agent({ method: 'GET', url: `/applications/${trackingNumber}/timeline` })).json().entries as Array<{ kind: string; seq: number; detail?: Record<string, unknown> }>;
      expect(timeline.filter((e) => e.kind === 'migrated')).toEqual([
        expect.objectContaining({ detail: expect.objectContaining({ plan: planId, fromVersion: 2, toVersion: 3, deadlines: { legal: 'keep', serviceLevels: 'recompute' } }) }),
      ]);
      const audited = await stack.orm.em.fork().getConnection().execute("select count(*)::int as n from audit_entry where tracking_number = ? and kind = 'migrated'", [trackingNumber]);
      expect(audited[0]?.n).toBe(1);
      const described = await stack.client.workflow.getHandle(trackingNumber).describe();
      expect(described.typedSearchAttributes.get(searchAttributes.procedureVersion)).toBe(3);
    }

    // The review's service level was counted again: three days from the task's start instead of ten.
    for (const { trackingNumber } of filed.filter((f) => f.placement === 'technicalReview')) {
      const was = before.get(trackingNumber)!;
      const now = await state(trackingNumber);
      const task = Object.values(now.tasks).find((t) => t.status === 'open')!;
      expect(task.stepId).toBe('review');
      const sla = `sla:${task.id}`;
      expect(now.deadlines[sla]!.ledger).toEqual(was.deadlines[sla]!.ledger);
      const days = (Date.parse(was.deadlines[sla]!.projection!.dueDate) - Date.parse(now.deadlines[sla]!.projection!.dueDate)) / 86_400_000;
      expect(days).toBe(7);
      expect((await openTask(trackingNumber)).stepId).toBe('review');
    }

    // The register ones: untouched, still on version 2.
    for (const trackingNumber of atRegister) {
      const now = await state(trackingNumber);
      expect(now).toEqual(before.get(trackingNumber));
      expect((await view(trackingNumber)).procedure.version).toBe(2);
    }

    // Everyone finishes, each on its version; the audit chain holds.
    for (const { trackingNumber } of filed) await finish(trackingNumber);
    const beforeReview = new Set(['intake', 'intakeClaimed', 'askDocuments', 'technicalReview']);
    for (const { trackingNumber, placement } of filed.filter((f) => f.placement !== 'legacyRegistry')) {
      const done = await state(trackingNumber);
      expect([done.outcome, done.procedureVersion]).toEqual(['approved', 3]);
      // Reviewed on version 3 (the old review's record renamed), and on to the commission without the register.
      expect(done.steps.review?.outcome).toBe('approve');
      if (beforeReview.has(placement)) expect(done.steps.legacyRegistry).toBeUndefined();
    }
    for (const trackingNumber of atRegister) {
      const done = await state(trackingNumber);
      expect([done.outcome, done.procedureVersion, done.steps.legacyRegistry?.outcome]).toEqual(['approved', 2, 'registered']);
    }
    expect((await walkAuditChain(stack.orm)).problem).toBeUndefined();
  });

  it('moves each application once when two administrators apply the same plan at the same moment', async () => {
    const id = 'concurrent-permit';
    const first = testProcedure(id);
    await stack.procedures.publish(first, 'test', 'api');
    const filings = await Promise.all(Array.from({ length: 4 }, () => file(id)));
    await stack.procedures.publish({ ...first, version: 2, steps: { ...first.steps, review: { ...first.steps.review, title: text('Examine the file') } } }, 'test', 'api');
    const plan = (await admin({ method: 'POST', url: `/procedures/${id}/migrations`, payload: { fromVersion: 1, toVersion: 2 } })).json();
    const other = as(stack, await tokenFor('admin', 'admin-migration-2'));
    const batches = await Promise.all([admin, other].map((caller) => caller({ method: 'POST', url: `/procedures/${id}/migrations/${plan.id}/apply`, payload: { batchSize: 10 } })));
    for (const batch of batches) {
      expect(batch.statusCode, batch.body).toBe(200);
      for (const r of batch.json().results) expect(r.result).toBe('moved');
    }
    for (const trackingNumber of filings) {
      const timeline = (await office.agent({ method: 'GET', url: `/applications/${trackingNumber}/timeline` })).json().entries as Array<{ kind: string }>;
      expect(timeline.filter((e) => e.kind === 'migrated')).toHaveLength(1);
      expect((await state(trackingNumber)).procedureVersion).toBe(2);
    }
  });

  it('lists an application as moved on its plan even when the administrator’s request died once the workflow had moved it', async () => {
    const id = 'orphan-move-permit';
    const first = testProcedure(id);
    await stack.procedures.publish(first, 'test', 'api');
    const trackingNumber = await file(id);
    await stack.procedures.publish({ ...first, version: 2, steps: { ...first.steps, review: { ...first.steps.review, title: text('Examine the file') } } }, 'test', 'api');
    const planId = (await admin({ method: 'POST', url: `/procedures/${id}/migrations`, payload: { fromVersion: 1, toVersion: 2 } })).json().id as string;
    // What the API sends for one application of a batch, sent here by hand: the request that sent it never records a result.
    const target = await stack.procedures.get(id, 2);
    await stack.client.workflow.getHandle(trackingNumber).executeUpdate(migrateApplication, { args: [{ planId, procedure: target!, plan: {}, actor: 'admin-migration' }] });
    const status = await eventually(async () => {
      const answer = (await admin({ method: 'GET', url: `/procedures/${id}/migrations/${planId}` })).json();
      return answer.results.length ? answer : undefined;
    });
    expect(status.results).toEqual([expect.objectContaining({ trackingNumber, result: 'moved', reasons: [], actor: 'admin-migration' })]);
    expect(status.remaining).toBe(0);
    // The next batch finds nothing left to move, and says so without touching the result.
    const batch = await admin({ method: 'POST', url: `/procedures/${id}/migrations/${planId}/apply`, payload: {} });
    expect(batch.json()).toMatchObject({ results: [], remaining: 0 });
  });

  it('refuses a plan for versions not published, and tells another procedure’s plan from none', async () => {
    const missing = await designer({ method: 'POST', url: `/procedures/${PROCEDURE}/migrations`, payload: { fromVersion: 2, toVersion: 9 } });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().errors).toEqual([{ pointer: '/toVersion', message: 'is not a published version of the procedure' }]);
    const unknown = await admin({ method: 'POST', url: `/procedures/${PROCEDURE}/migrations/mp-0000000000000000/apply`, payload: {} });
    expect(unknown.statusCode).toBe(404);
    const malformed = await admin({ method: 'POST', url: `/procedures/${PROCEDURE}/migrations`, payload: { fromVersion: 2, toVersion: 3, plan: { steps: { technicalReview: 'x'.repeat(70) }, deadlines: { legal: 'sometimes' } } } });
    expect(malformed.statusCode).toBe(400);
    expect((await office.agent({ method: 'GET', url: `/procedures/${PROCEDURE}/migrations` })).statusCode).toBe(403);
  });
});
