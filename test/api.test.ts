/**
 * The HTTP API as citizens, agents, supervisors and the others use it, on the real stack: who may do
 * what (every route × every role × own office / other office), documents, receipts, the kiosk's PIN,
 * idempotent filing, the inbox, and bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../identity/tokens.js';
import { Application, ApplicationDocument } from '../db/entities.js';
import { multipartFile } from './helpers/multipart.js';
import {
  applicationAnswer,
  fieldError,
  filedAnswer,
  problemAnswer,
  receiptAnswer,
  receiptDocumentAnswer,
  taskAnswer,
  timeLeftAnswer,
  trackAnswer,
  uploadAnswer,
} from './helpers/answers.js';
import { as, createTestStack, people, TEST_SECRET, tokenFor, type TestStack } from './helpers/stack.js';

const form = { fullName: 'Salma Berrada', cin: 'FC112233', address: '3 avenue Mohammed V, Berkane' };
const pdf = (text: string) => Buffer.from(`%PDF-1.7\n${text}\n%%EOF`);
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);

let stack: TestStack;
let officeA: Awaited<ReturnType<typeof people>>;
let officeB: Awaited<ReturnType<typeof people>>;

beforeAll(async () => {
  stack = await createTestStack();
  officeA = await people(stack, `annex-a-${stack.id}`);
  officeB = await people(stack, `annex-b-${stack.id}`);
});
afterAll(async () => {
  await stack?.close();
});

async function fileAsCitizen(caller = officeA.citizen, officeId = officeA.office, headers: Record<string, string> = {}) {
  const res = await caller({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', officeId, data: form }, headers });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

describe('authorization matrix', () => {
  it('every route answers 401 without a token, 403 to a role it does not admit, and serves the roles it admits', async () => {
    const filed = await fileAsCitizen();
    const tokens = Object.fromEntries(
      await Promise.all(ROLES.map(async (role) => [role, await tokenFor(role, role === 'citizen' ? officeA.citizenId : `${role}-a`, [officeA.office])])),
    ) as Record<Role, string>;
    const policies = stack.app.routePolicies.filter((p) => !p.url.startsWith('/docs'));
    expect(policies.length).toBeGreaterThan(20);
    const failures: string[] = [];
    for (const policy of policies) {
      const url = policy.url
        .replace(':trackingNumber', filed.trackingNumber)
        .replace(':taskId', filed.tasks[0].id)
        .replace(':documentId', 'cinCopy')
        .replace(':id', policy.url.startsWith('/calendars') ? 'ma' : 'residence-certificate');
      // An invalid body stops a request before it changes anything: only the access decision is tested.
      const request = { method: policy.method as 'GET', url, ...(policy.method === 'POST' ? { payload: { matrixProbe: true } } : {}) };
      const anonymous = await stack.app.inject(request);
      if (policy.access !== 'public' && anonymous.statusCode !== 401) failures.push(`${policy.method} ${policy.url} anonymous → ${anonymous.statusCode}`);
      for (const role of ROLES) {
        const res = await as(stack, tokens[role])(request);
        const admitted = policy.access === 'public' || policy.access.includes(role);
        if (admitted && (res.statusCode === 401 || res.statusCode === 403)) failures.push(`${policy.method} ${policy.url} ${role} admitted → ${res.statusCode}: ${res.body}`);
        if (!admitted && res.statusCode !== 403) failures.push(`${policy.method} ${policy.url} ${role} refused → ${res.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("never shows one office's or one citizen's work to another", async () => {
    const filed = await fileAsCitizen();
    const url = `/applications/${filed.trackingNumber}`;
    for (const [who, caller] of [['other citizen', officeB.citizen], ['agent of another office', officeB.agent], ['supervisor of another office', officeB.supervisor]] as const) {
      for (const path of [url, `${url}/timeline`, `${url}/receipt`, `${url}/documents`]) {
        const res = await caller({ method: 'GET', url: path });
        expect(res.statusCode, `${who} GET ${path}`).toBe(404);
        expect(res.body).not.toContain(form.fullName);
      }
    }
    const own = await officeA.agent({ method: 'GET', url });
    expect(own.statusCode).toBe(200);
    const claim = await officeB.agent({ method: 'POST', url: `/tasks/${filed.tasks[0].id}/claim` });
    expect(claim.statusCode).toBe(404);
    const inboxB = await officeB.agent({ method: 'GET', url: '/tasks' });
    expect(inboxB.json().tasks.map((t: { trackingNumber: string }) => t.trackingNumber)).not.toContain(filed.trackingNumber);
    const foreignFilter = await officeB.agent({ method: 'GET', url: `/tasks?officeId=${officeA.office}` });
    expect(foreignFilter.statusCode).toBe(403);
    const mine = await officeB.citizen({ method: 'GET', url: '/applications' });
    expect(mine.json().applications).toEqual([]);
  });

  it('refuses a forged or expired token', async () => {
    // The signature's first character: its last one carries two unused bits, so changing A to B (or C or
    // D to A) would leave the decoded signature, and the token, valid.
    const token = await tokenFor('admin');
    const at = token.lastIndexOf('.') + 1;
    const forged = `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
    const res = await stack.app.inject({ method: 'GET', url: '/tasks', headers: { authorization: `Bearer ${forged}` } });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });
});

describe('citizens', () => {
  it('file, hand in documents, get a receipt, and follow the application at a kiosk with the PIN', async () => {
    const filed = await fileAsCitizen();
    expect(filed).toEqual(filedAnswer({ receipt: receiptAnswer({ trackingNumber: filed.trackingNumber, pin: expect.stringMatching(/^\d{6}$/), documents: [] }) }));
    expect(filed.receipt.legalDeadline.explanation.join(' ')).toMatch(/working days/);

    const upload = await officeA.citizen({ method: 'POST', url: `/applications/${filed.trackingNumber}/documents/cinCopy`, ...multipartFile('cin.pdf', pdf('cin')) });
    expect(upload.statusCode, upload.body).toBe(201);
    expect(upload.json()).toEqual(uploadAnswer({ documentId: 'cinCopy', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }));

    const receipt = await officeA.citizen({ method: 'GET', url: `/applications/${filed.trackingNumber}/receipt` });
    expect(receipt.json()).toEqual(receiptAnswer({ trackingNumber: filed.trackingNumber, documents: [receiptDocumentAnswer({ documentId: 'cinCopy', sha256: upload.json().sha256 })] }));
    const page = await officeA.citizen({ method: 'GET', url: `/applications/${filed.trackingNumber}/receipt.html` });
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain(filed.trackingNumber);
    expect(page.body).toContain('dir="rtl"');

    const tracked = await stack.app.inject({ method: 'POST', url: '/track', payload: { trackingNumber: filed.trackingNumber, pin: filed.receipt.pin } });
    expect(tracked.statusCode).toBe(200);
    expect(tracked.json()).toEqual(trackAnswer({ trackingNumber: filed.trackingNumber, status: 'open' }));
    expect(tracked.body).not.toContain(form.fullName);

    const mine = await officeA.citizen({ method: 'GET', url: '/applications' });
    expect(mine.json().applications.find((a: { trackingNumber: string }) => a.trackingNumber === filed.trackingNumber).history.map((h: { kind: string }) => h.kind)).toContain('filed');

    const withdrawn = await officeA.citizen({ method: 'POST', url: `/applications/${filed.trackingNumber}/withdraw`, payload: { reason: 'no longer needed' } });
    expect(withdrawn.json()).toEqual(applicationAnswer({ status: 'closed', outcome: 'withdrawn' }));
  });

  it('are refused a wrong PIN, and after five wrong PINs are asked to wait', async () => {
    const filed = await fileAsCitizen();
    const wrong = filed.receipt.pin === '000000' ? '000001' : '000000';
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await stack.app.inject({ method: 'POST', url: '/track', payload: { trackingNumber: filed.trackingNumber, pin: wrong } })).statusCode);
    }
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429]);
    const right = await stack.app.inject({ method: 'POST', url: '/track', payload: { trackingNumber: filed.trackingNumber, pin: filed.receipt.pin } });
    expect(right.statusCode).toBe(429);
  });

  it('get one application for a retried filing with the same Idempotency-Key, and a 422 for a different one', async () => {
    const headers = { 'idempotency-key': `filing-${stack.id}-0001` };
    const first = await fileAsCitizen(officeA.citizen, officeA.office, headers);
    const retry = await officeA.citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', officeId: officeA.office, data: form }, headers });
    expect(retry.statusCode).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json().trackingNumber).toBe(first.trackingNumber);
    const other = await officeA.citizen({
      method: 'POST',
      url: '/applications',
      payload: { procedureId: 'residence-certificate', officeId: officeA.office, data: { ...form, address: 'elsewhere in Berkane' } },
      headers,
    });
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('idempotency_conflict');
    expect(await stack.orm.em.fork().count(Application, { citizen: officeA.citizenId, trackingNumber: first.trackingNumber })).toBe(1);
  });

  it('get a clear status for a file of the wrong format or size, and nothing is stored', async () => {
    const filed = await fileAsCitizen();
    const base = `/applications/${filed.trackingNumber}/documents`;
    const text = await officeA.citizen({ method: 'POST', url: `${base}/cinCopy`, ...multipartFile('cin.txt', Buffer.from('just text')) });
    expect(text.statusCode).toBe(415);
    expect(text.json().errors[0].pointer).toBe('body:/file');
    const big = await officeA.citizen({ method: 'POST', url: `${base}/cinCopy`, ...multipartFile('cin.pdf', Buffer.concat([pdf('x'), Buffer.alloc(6 * 1024 * 1024)])) });
    expect(big.statusCode).toBe(413);
    const unknown = await officeA.citizen({ method: 'POST', url: `${base}/passport`, ...multipartFile('p.png', png) });
    expect(unknown.statusCode).toBe(400);
    expect(await stack.orm.em.fork().count(ApplicationDocument, { trackingNumber: filed.trackingNumber })).toBe(0);
  });
});

describe('agents and supervisors', () => {
  it('file at a counter on behalf of a citizen, who then sees the application as theirs', async () => {
    const noCitizen = await officeA.agent({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', officeId: officeA.office, data: form } });
    expect(noCitizen.statusCode).toBe(400);
    expect(noCitizen.json().errors[0].pointer).toBe('/citizen');
    const res = await officeA.agent({
      method: 'POST',
      url: '/applications',
      payload: { procedureId: 'residence-certificate', officeId: officeA.office, data: form, citizen: officeA.citizenId },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual(filedAnswer({ citizen: officeA.citizenId, filedBy: officeA.agentId }));
    expect((await officeA.citizen({ method: 'GET', url: `/applications/${res.json().trackingNumber}` })).statusCode).toBe(200);
  });

  it('page through the inbox by legal due date, each task with the time left', async () => {
    const office = `annex-inbox-${stack.id}`;
    const staff = await people(stack, office);
    for (let i = 0; i < 3; i++) await fileAsCitizen(staff.citizen, office);
    const first = await staff.agent({ method: 'GET', url: '/tasks?limit=2' });
    expect(first.statusCode, first.body).toBe(200);
    const page1 = first.json();
    expect(page1.tasks).toHaveLength(2);
    expect(page1.tasks[0].legalDeadline).toEqual({ ...timeLeftAnswer({ overdue: false, msLeft: expect.any(Number) }), paused: false });
    const second = (await staff.agent({ method: 'GET', url: `/tasks?limit=2&cursor=${page1.nextCursor}` })).json();
    expect(second.tasks).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    const ids = [...page1.tasks, ...second.tasks].map((t: { id: string }) => t.id);
    expect(new Set(ids).size).toBe(3);
    const dues = [...page1.tasks, ...second.tasks].map((t: { legalDeadline: { dueAt: string } }) => t.legalDeadline.dueAt);
    expect([...dues].sort()).toEqual(dues);
    const mine = await staff.agent({ method: 'GET', url: '/tasks?assignee=me' });
    expect(mine.json().tasks).toEqual([]);
    const bad = await staff.agent({ method: 'GET', url: '/tasks?cursor=garbage' });
    expect(bad.statusCode).toBe(400);
  });

  it('claim, release and complete; only a supervisor reassigns', async () => {
    const filed = await fileAsCitizen();
    const task = filed.tasks[0].id;
    const claimed = await officeA.agent({ method: 'POST', url: `/tasks/${task}/claim` });
    expect(claimed.json()).toEqual(applicationAnswer({ tasks: [taskAnswer({ status: 'claimed', assignee: officeA.agentId })] }));
    const byOther = await officeA.supervisor({ method: 'POST', url: `/tasks/${task}/complete`, payload: { outcome: 'approve' } });
    expect(byOther.statusCode).toBe(409);
    const agentReassign = await officeA.agent({ method: 'POST', url: `/tasks/${task}/reassign`, payload: { toAgent: 'agent-x' } });
    expect(agentReassign.statusCode).toBe(403);
    const reassigned = await officeA.supervisor({ method: 'POST', url: `/tasks/${task}/reassign`, payload: { toAgent: officeA.supervisorId } });
    expect(reassigned.json().tasks[0].assignee).toBe(officeA.supervisorId);
    const done = await officeA.supervisor({ method: 'POST', url: `/tasks/${task}/complete`, payload: { outcome: 'approve' } });
    expect(done.json()).toEqual(applicationAnswer({ status: 'closed', outcome: 'approved' }));
    const timeline = (await officeA.agent({ method: 'GET', url: `/applications/${filed.trackingNumber}/timeline` })).json().entries.map((e: { kind: string; actor: string | null }) => `${e.kind}:${e.actor ?? ''}`);
    expect(timeline).toEqual(expect.arrayContaining([`taskClaimed:${officeA.agentId}`, `taskReassigned:${officeA.supervisorId}`, `taskCompleted:${officeA.supervisorId}`]));
  });

  it("validate the task's form and name the field", async () => {
    const designer = as(stack, await tokenFor('designer'));
    const text = (en: string) => ({ ar: en, fr: en, en });
    const definition = {
      id: 'api-task-form', version: 1, title: text('t'), description: text('d'), category: 'certificates', offices: ['annex'], roles: ['agent'],
      legalBasis: { law: 'Law 55.19', note: 'test', confirmed: true }, form: { type: 'object' }, documents: [], fees: [], channels: ['web'],
      deadline: { budget: { workingDays: 5 }, startsOn: 'filing', onComplement: 'pause', onExpiry: { action: 'notify', notify: ['agent'] } },
      start: 'check',
      steps: {
        check: { type: 'userTask', role: 'agent', title: text('Check'), form: { type: 'object', required: ['visitDate'], properties: { visitDate: { type: 'string', format: 'date' } } }, outcomes: { done: { next: 'end' } } },
        end: { type: 'end', outcome: 'approved' },
      },
    };
    expect((await designer({ method: 'POST', url: '/procedures', payload: definition })).statusCode).toBe(201);
    const filed = (await officeA.citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'api-task-form', officeId: officeA.office, data: {} } })).json();
    const bad = await officeA.agent({ method: 'POST', url: `/tasks/${filed.tasks[0].id}/complete`, payload: { outcome: 'done', data: { visitDate: 'yesterday' } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual(problemAnswer({ status: 400, code: 'invalid_task_data', errors: [fieldError('/data/visitDate')] }));
    const good = await officeA.agent({ method: 'POST', url: `/tasks/${filed.tasks[0].id}/complete`, payload: { outcome: 'done', data: { visitDate: '2026-11-23' } } });
    expect(good.json().outcome).toBe('approved');
  });
});

describe('conventions', () => {
  it('answers every request with a request id, and keeps the caller’s', async () => {
    const res = await stack.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'counter-42-abcdef' } });
    expect(res.headers['x-request-id']).toBe('counter-42-abcdef');
    const other = await stack.app.inject({ method: 'GET', url: '/health' });
    expect(other.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('describes itself in OpenAPI 3.1', async () => {
    const res = await stack.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.json()).toMatchObject({ openapi: '3.1.0' });
    expect(Object.keys(res.json().paths)).toEqual(expect.arrayContaining(['/applications', '/tasks', '/track']));
  });
});

describe('projections', () => {
  it('are rebuilt from the workflows after they are lost', async () => {
    const { rebuildProjections } = await import('../cli/projections.js');
    const { Task } = await import('../db/entities.js');
    const filed = await fileAsCitizen();
    await officeA.agent({ method: 'POST', url: `/tasks/${filed.tasks[0].id}/complete`, payload: { outcome: 'reject' } });
    const open = await fileAsCitizen();
    const em = stack.orm.em.fork();
    await em.nativeDelete(Task, { trackingNumber: { $in: [filed.trackingNumber, open.trackingNumber] } });
    await em.nativeDelete(Application, { trackingNumber: { $in: [filed.trackingNumber, open.trackingNumber] } });
    expect((await officeA.citizen({ method: 'GET', url: `/applications/${filed.trackingNumber}` })).statusCode).toBe(404);
    // Visibility is eventually consistent: rebuild until both are back.
    for (let i = 0; i < 50; i++) {
      await rebuildProjections({ client: stack.client, orm: stack.orm, taskQueue: stack.taskQueue });
      if ((await stack.orm.em.fork().count(Application, { trackingNumber: { $in: [filed.trackingNumber, open.trackingNumber] } })) === 2) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const closed = (await officeA.citizen({ method: 'GET', url: `/applications/${filed.trackingNumber}` })).json();
    expect(closed).toEqual(applicationAnswer({ status: 'closed', outcome: 'rejected', tasks: [taskAnswer({ status: 'completed', outcome: 'reject' })] }));
    const inbox = (await officeA.agent({ method: 'GET', url: '/tasks' })).json().tasks.map((t: { id: string }) => t.id);
    expect(inbox).toContain(open.tasks[0].id);
  });
});

describe('logs', () => {
  it('record each request with its id and never the form, a token or a PIN', async () => {
    const { buildApp } = await import('../api/app.js');
    const lines: string[] = [];
    const logged = await buildApp(
      { temporal: stack.client, taskQueue: stack.taskQueue, orm: stack.orm, redis: stack.redis, procedures: stack.procedures, calendars: stack.calendars, offices: stack.offices, storage: stack.storage, notifications: stack.notifications, secret: TEST_SECRET },
      { logger: { level: 'info', stream: { write: (line: string) => lines.push(line) } } },
    );
    stack.answers.watch(logged);
    const token = await tokenFor('citizen', officeA.citizenId);
    const res = await logged.inject({
      method: 'POST',
      url: '/applications',
      payload: { procedureId: 'residence-certificate', officeId: officeA.office, data: form },
      headers: { authorization: `Bearer ${token}`, 'x-request-id': 'log-check-0001' },
    });
    expect(res.statusCode).toBe(201);
    await logged.inject({ method: 'POST', url: '/track', payload: { trackingNumber: res.json().trackingNumber, pin: res.json().receipt.pin } });
    await logged.close();
    const all = lines.join('\n');
    expect(all).toContain('log-check-0001');
    for (const secret of [form.fullName, form.cin, token, res.json().receipt.pin]) expect(all).not.toContain(secret);
  });
});

describe('calendar changes', () => {
  it('refuse a date that does not exist, naming the field, and change nothing', async () => {
    const admin = as(stack, await tokenFor('admin'));
    const before = (await stack.app.inject({ method: 'GET', url: '/calendars/ma' })).json().version;
    const res = await admin({
      method: 'POST',
      url: '/calendars/ma/closures',
      payload: { date: '2026-02-30', reason: { ar: 'إغلاق', fr: 'Fermeture', en: 'Closure' } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ pointer: '/date', message: 'must match format "date"' }]);
    expect((await stack.app.inject({ method: 'GET', url: '/calendars/ma' })).json().version).toBe(before);
  });
});
