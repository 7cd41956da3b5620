/**
 * What the API gives the web front end besides the routes the citizens' and agents' tests cover: the
 * offices, the development sign-in, the designer's simulation, every missing field of a filing at once,
 * the inbox's at-risk flag, and the built pages themselves.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../infra/config.js';
import { buildApp } from '../api/app.js';
import { testProcedure } from './helpers/definitions.js';
import { multipartFile } from './helpers/multipart.js';
import { eachItem, fieldError, inboxTaskAnswer, problemAnswer, timeLeftAnswer, uploadAnswer } from './helpers/answers.js';
import { as, createTestStack, people, TEST_SECRET, tokenFor, type TestStack } from './helpers/stack.js';

let stack: TestStack;
let designer: ReturnType<typeof as>;
const residence = () => stack.procedures.get('residence-certificate').then((p) => p!.definition);

beforeAll(async () => {
  stack = await createTestStack();
  designer = as(stack, await tokenFor('designer', 'designer-1'));
});
afterAll(async () => {
  await stack?.close();
});

describe('offices', () => {
  it('lists the offices a citizen can file with, named in the three languages', async () => {
    const res = await stack.app.inject({ method: 'GET', url: '/offices' });
    expect(res.statusCode).toBe(200);
    const named = { ar: expect.any(String), fr: expect.any(String), en: expect.any(String) };
    expect(res.json()).toEqual({ offices: eachItem({ id: expect.any(String), kind: expect.any(String), name: named }) });
    expect(res.json().offices).toContainEqual({ id: 'annex-berkane-1', kind: 'annex', name: { ...named, ar: expect.stringContaining('بركان') } });
  });
});

describe('development sign-in', () => {
  it('gives a token the API accepts for the person asked for', async () => {
    const res = await stack.app.inject({ method: 'POST', url: '/auth/demo-token', payload: { role: 'agent', sub: 'agent-12', offices: ['annex-berkane-1'], name: 'Youssef' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ token: expect.any(String), principal: { sub: 'agent-12', role: 'agent', offices: ['annex-berkane-1'], name: 'Youssef' } });
    const inbox = await as(stack, res.json().token)({ method: 'GET', url: '/tasks' });
    expect(inbox.statusCode).toBe(200);
  });

  it('refuses staff without an office, naming the field', async () => {
    const res = await stack.app.inject({ method: 'POST', url: '/auth/demo-token', payload: { role: 'supervisor', sub: 'sup-1' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(problemAnswer({ status: 400, code: 'invalid_input', errors: [{ pointer: '/offices', message: 'must name an office' }] }));
  });

  it('does not exist unless the deployment turns it on (production never does)', async () => {
    const { client, orm, redis, procedures, calendars, storage, notifications, taskQueue } = stack;
    const production = await buildApp({ temporal: client, taskQueue, orm, redis, procedures, calendars, offices: [], storage, notifications, secret: TEST_SECRET });
    stack.answers.watch(production);
    const res = await production.inject({ method: 'POST', url: '/auth/demo-token', payload: { role: 'admin', sub: 'anyone' } });
    expect(res.statusCode).toBe(404);
    await production.close();
  });
});

describe('published definitions', () => {
  it("keep their form's fields in the order the designer wrote them (the form is generated from it)", async () => {
    const { definition } = (await stack.app.inject({ method: 'GET', url: '/procedures/residence-certificate' })).json();
    const file = JSON.parse(readFileSync(path.join(loadConfig().proceduresDir, `residence-certificate.v${definition.version}.json`), 'utf8'));
    expect(Object.keys(definition.form.properties)).toEqual(Object.keys(file.form.properties));
    expect(Object.keys(definition.form.properties)[0]).toBe('fullName');
  });
});

describe('simulation of a draft', () => {
  // A form the definition accepts: the scenario's form is checked against it, as a filing's is.
  const form = { fullName: 'Khadija Amrani', cin: 'FA45678', address: 'Hay Al Qods, Berkane' };

  it('runs the scenario and answers the trace, the outcome and the legal due date', async () => {
    const res = await designer({
      method: 'POST',
      url: '/procedures/simulate',
      payload: { definition: await residence(), scenario: { filedAt: '2026-11-23T09:00:00Z', data: form, events: [{ after: 'P1D', action: 'complete', step: 'review', outcome: 'approve' }] } },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    // Monday 23 November 2026 + 3 working days.
    expect(body).toEqual({
      outcome: 'approved',
      legalDeadline: { dueAt: expect.any(String), dueDate: '2026-11-26', explanation: eachItem(expect.any(String)) },
      clocks: [],
      trace: eachItem({ at: expect.any(String), kind: expect.any(String), text: expect.any(String) }),
      visited: ['review', 'issued'],
      status: expect.any(String),
    });
    expect(body.trace.map((e: { kind: string }) => e.kind)).toContain('closed');
  });

  it('reads an instant without an offset in Casablanca time, and says which events came after the application closed', async () => {
    const res = await designer({
      method: 'POST',
      url: '/procedures/simulate',
      payload: {
        definition: await residence(),
        scenario: {
          filedAt: '2026-04-06T10:00:00',
          data: form,
          events: [
            { after: 'P1D', action: 'complete', step: 'review', outcome: 'approve' },
            { at: '2026-04-14T09:00:00', action: 'withdraw' },
          ],
        },
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    const { trace } = res.json();
    // Morocco is on UTC+1 in April 2026 (after Ramadan): 10:00 there is 09:00 UTC.
    expect(trace[0]).toEqual({ at: '2026-04-06T09:00:00.000Z', kind: 'filed', text: 'filed' });
    expect(trace.at(-1)).toEqual({ at: '2026-04-14T08:00:00.000Z', kind: 'ignored', text: 'events[1] withdraw comes after the application closed (approved): not run' });
  });

  it("names every problem of the scenario by its pointer: the form, the events' steps and actions, their task data", async () => {
    const res = await designer({
      method: 'POST',
      url: '/procedures/simulate',
      payload: {
        definition: await residence(),
        scenario: {
          filedAt: '2026-11-23T09:00:00Z',
          data: { fullName: 'Khadija Amrani', address: 'Hay Al Qods, Berkane' },
          events: [
            { after: 'P1D', action: 'approve', step: 'review' },
            { after: 'P1D', action: 'claim', step: 'reveiw' },
            { at: '2026-11-31T09:00:00Z', action: 'withdraw' },
          ],
        },
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(
      problemAnswer({
        status: 400,
        code: 'invalid_input',
        errors: [
          { pointer: '/scenario/events/0/action', message: '"approve" is not a known action' },
          { pointer: '/scenario/events/2/at', message: '"2026-11-31T09:00:00Z" is not an ISO 8601 instant, e.g. 2026-04-06T09:30:00+01:00 (without an offset, the calendar\'s local time)' },
          { pointer: '/scenario/data/cin', message: 'is required' },
          { pointer: '/scenario/events/1/step', message: '"reveiw" is not a user task step of residence-certificate' },
        ],
      }),
    );
  });

  it("names a broken definition's problems under /definition", async () => {
    const res = await designer({ method: 'POST', url: '/procedures/simulate', payload: { definition: { ...(await residence()), start: 'nowhere' }, scenario: { filedAt: '2026-11-23T09:00:00Z', data: {} } } });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toEqual(problemAnswer({ status: 422, code: 'invalid_definition', errors: eachItem(fieldError(expect.any(String))) }));
    expect(res.json().errors).toContainEqual(fieldError('/definition/start'));
  });

  it("names a scenario's bad event by its pointer", async () => {
    const res = await designer({
      method: 'POST',
      url: '/procedures/simulate',
      payload: { definition: await residence(), scenario: { filedAt: '2026-11-23T09:00:00Z', data: form, events: [{ after: 'Ptomorrow', action: 'withdraw' }] } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(problemAnswer({ status: 400, code: 'invalid_input', errors: [fieldError('/scenario/events/0/after')] }));
  });

  it('is for designers', async () => {
    const citizen = as(stack, await tokenFor('citizen', 'c-1'));
    const res = await citizen({ method: 'POST', url: '/procedures/simulate', payload: { definition: await residence(), scenario: { filedAt: '2026-11-23T09:00:00Z', data: {} } } });
    expect(res.statusCode).toBe(403);
  });
});

describe('filing', () => {
  it('reports a missing office together with the form’s missing fields', async () => {
    const citizen = as(stack, await tokenFor('citizen', 'c-2'));
    const res = await citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', data: { cin: 'AB1' } } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(problemAnswer({ status: 400, code: 'invalid_input', errors: eachItem(fieldError(expect.any(String))) }));
    const pointers = res.json().errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/officeId', '/data/fullName', '/data/address']));
  });
});

describe('documents', () => {
  it('gives back the bytes handed in to those who may see the application, and to no one else', async () => {
    const office = `annex-docs-${stack.id}`;
    const staff = await people(stack, office);
    const filed = await staff.citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', officeId: office, data: { fullName: 'Nadia Amrani', cin: 'GH123456', address: '1 rue Oued Moulouya, Berkane' } } });
    const tn = filed.json().trackingNumber as string;
    const pdf = Buffer.from('%PDF-1.7\nNadia Amrani CNIE\n%%EOF');
    const upload = await staff.citizen({ method: 'POST', url: `/applications/${tn}/documents/cinCopy`, ...multipartFile('cnie.pdf', pdf) });
    expect(upload.statusCode, upload.body).toBe(201);
    expect(upload.json()).toEqual(uploadAnswer({ documentId: 'cinCopy', sizeBytes: pdf.length, mediaType: 'application/pdf' }));
    const url = `/applications/${tn}/documents/cinCopy/${upload.json().sha256}`;
    for (const caller of [staff.citizen, staff.agent]) {
      const res = await caller({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.rawPayload.equals(pdf)).toBe(true);
    }
    const stranger = as(stack, await tokenFor('citizen', 'someone-else'));
    expect((await stranger({ method: 'GET', url })).statusCode).toBe(404);
    expect((await staff.agent({ method: 'GET', url: `/applications/${tn}/documents/cinCopy/${'0'.repeat(64)}` })).statusCode).toBe(404);
  });
});

describe('inbox', () => {
  it('flags a task whose legal deadline falls within two working days as at risk, and one a month away as not', async () => {
    const office = `annex-risk-${stack.id}`;
    const staff = await people(stack, office);
    for (const [id, budget] of [['soon-certificate', { duration: 'PT2H' }], ['later-certificate', { calendarDays: 30 }]] as const) {
      await stack.procedures.publish(testProcedure(id, { deadline: { budget } }), 'test', 'api');
      const filed = await staff.citizen({ method: 'POST', url: '/applications', payload: { procedureId: id, officeId: office, data: {} } });
      expect(filed.statusCode, filed.body).toBe(201);
    }
    const inbox = await staff.agent({ method: 'GET', url: '/tasks' });
    expect(inbox.json()).toEqual({ tasks: eachItem(inboxTaskAnswer()), nextCursor: null });
    const flags = Object.fromEntries(inbox.json().tasks.map((t: { procedureId: string; legalDeadline: { atRisk: boolean; overdue: boolean } }) => [t.procedureId, t.legalDeadline]));
    expect(flags['soon-certificate']).toEqual({ ...timeLeftAnswer({ atRisk: true, overdue: false }), paused: expect.any(Boolean) });
    expect(flags['later-certificate']).toEqual({ ...timeLeftAnswer({ atRisk: false, overdue: false }), paused: expect.any(Boolean) });
  });
});

describe('the pages', () => {
  it('serves the built front end at / and its files from /assets/ for good', async () => {
    const page = await stack.app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const script = page.body.match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
    expect(script).toBeDefined();
    const asset = await stack.app.inject({ method: 'GET', url: script! });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    const missing = await stack.app.inject({ method: 'GET', url: '/assets/nothing-here.js' });
    expect(missing.statusCode).toBe(404);
  });
});
