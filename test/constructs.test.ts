/**
 * Language 2's constructs on the real stack: an internal procedure filed by the staff member who holds
 * its filing role, with no citizen (no message, no PIN, no kiosk), and the outcomes forwarded and
 * partiallyGranted as the read model, the kiosk and the citizen's decision message show them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../infra/config.js';
import { receiptPin } from '../api/auth.js';
import { Notification } from '../db/entities.js';
import { StaffDirectory } from '../notifications/staff.js';
import { applicationAnswer, fieldError, filedAnswer, problemAnswer, receiptAnswer, trackAnswer } from './helpers/answers.js';
import { promotionFile, text } from './helpers/definitions.js';
import { as, createTestStack, eventually, people, TEST_SECRET, tokenFor, type TestStack } from './helpers/stack.js';

let stack: TestStack;
let office: Awaited<ReturnType<typeof people>>;
let clerk: ReturnType<typeof as>;
let internalId: string;
let citizensId: string;
let urgentId: string;
const ministry = { ar: 'وزارة الداخلية', fr: 'le ministère de l’Intérieur', en: 'the ministry of the interior' };

/** A promotion file the HR officer files and the committee reviews: referred to the ministry, or granted in part. */
function promotion(id: string) {
  return promotionFile({
    id,
    offices: ['annex'],
    roles: ['hr-officer', 'agent', 'supervisor'],
    form: { type: 'object', required: ['employeeNumber'], additionalProperties: false, properties: { employeeNumber: { type: 'string' } } },
    steps: {
      review: { type: 'userTask', role: 'agent', title: text('Committee review'), outcomes: { promote: { next: 'tell' }, refer: { next: 'referred' }, partly: { next: 'partly' } } },
      referred: { type: 'end', outcome: 'forwarded', forwardedTo: ministry },
    },
  });
}

/** A request citizens file, which the office may send on to the ministry. */
function request(id: string) {
  return {
    ...promotion(id),
    category: 'certificates',
    form: { type: 'object', properties: { phone: { type: 'string' }, language: { enum: ['ar', 'fr', 'en'] } } },
    channels: ['web'],
    filingRoles: undefined,
    steps: { review: { type: 'userTask', role: 'agent', title: text('Review'), outcomes: { refer: { next: 'referred' } } }, referred: promotion(id).steps.referred },
  };
}

/** The shipped access-to-information procedure in language 2, its urgent variant extended by its own 3 working days. */
function urgentAccess(id: string) {
  const shipped = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'procedures/access-to-information.v2.json'), 'utf8'));
  return {
    ...shipped,
    languageVersion: 2,
    id,
    version: 1,
    offices: ['annex'],
    deadline: { ...shipped.deadline, variants: [{ ...shipped.deadline.variants[0], extension: { maxCount: 1, units: 3, noticeRequired: true } }] },
  };
}

beforeAll(async () => {
  stack = await createTestStack();
  office = await people(stack, `annex-internal-${stack.id}`);
  clerk = as(stack, await tokenFor('agent', `clerk-${office.office}`, [office.office]));
  internalId = `staff-promotion-${stack.id}`;
  citizensId = `forwarded-request-${stack.id}`;
  await stack.procedures.publish(promotion(internalId), 'test', 'api');
  await stack.procedures.publish(JSON.parse(JSON.stringify(request(citizensId))), 'test', 'api');
  urgentId = `access-to-information-urgent-${stack.id}`;
  await stack.procedures.publish(urgentAccess(urgentId), 'test', 'api');
  await new StaffDirectory(stack.orm).import([
    { id: office.agentId, officeId: office.office, role: 'hr-officer', name: 'HR officer', email: `hr-${stack.id}@annex.ma` },
    { id: `clerk-${office.office}`, officeId: office.office, role: 'agent', name: 'Clerk' },
  ]);
});
afterAll(async () => {
  await stack?.close();
});

const notificationsOf = (trackingNumber: string) => stack.orm.em.fork().find(Notification, { trackingNumber }, { orderBy: { key: 'asc' } });
const fileInternal = (caller: ReturnType<typeof as>, extra: Record<string, unknown> = {}) =>
  caller({ method: 'POST', url: '/applications', payload: { procedureId: internalId, officeId: office.office, data: { employeeNumber: 'E-1024' }, ...extra } });

describe('an internal procedure', () => {
  it('is filed only by staff of the office who hold its filing role, and for no citizen', async () => {
    const byCitizen = await fileInternal(office.citizen);
    expect(byCitizen.statusCode).toBe(403);
    expect(byCitizen.json()).toEqual(problemAnswer({ code: 'forbidden', detail: `${internalId} is an internal procedure: staff of the office file it, not citizens.` }));

    const byClerk = await fileInternal(clerk);
    expect(byClerk.statusCode).toBe(403);
    expect(byClerk.json()).toEqual(
      problemAnswer({ code: 'forbidden', detail: `Only staff of office ${office.office} who hold the role hr-officer in the staff directory may file ${internalId}.` }),
    );

    const forSomeone = await fileInternal(office.agent, { citizen: 'FC112233' });
    expect(forSomeone.statusCode).toBe(400);
    expect(forSomeone.json()).toEqual(problemAnswer({ code: 'invalid_input', errors: [fieldError('/citizen', 'must be left out: an internal procedure has no citizen')] }));

    const filed = await fileInternal(office.agent);
    expect(filed.statusCode, filed.body).toBe(201);
    expect(filed.json()).toEqual(
      filedAnswer({
        procedure: { id: internalId, version: 1 },
        citizen: '',
        filedBy: office.agentId,
        status: 'open',
        receipt: receiptAnswer({ trackingNumber: filed.json().trackingNumber, pin: null, filedBy: office.agentId, documents: [] }),
      }),
    );
  });

  it('tells no citizen anything, shows no PIN, and opens at no kiosk; the decision reaches the staff it names', async () => {
    const filed = (await fileInternal(office.agent)).json();
    const trackingNumber: string = filed.trackingNumber;
    const page = await office.agent({ method: 'GET', url: `/applications/${trackingNumber}/receipt.html` });
    expect(page.body).toContain(trackingNumber);
    expect(page.body).not.toContain('Code PIN');

    const kiosk = await stack.app.inject({ method: 'POST', url: '/track', payload: { trackingNumber, pin: receiptPin(TEST_SECRET, trackingNumber) } });
    expect(kiosk.statusCode).toBe(404);
    expect(kiosk.json()).toEqual(problemAnswer({ code: 'application_not_found', detail: 'No application matches this tracking number and PIN.' }));

    const done = await office.agent({ method: 'POST', url: `/tasks/${filed.tasks[0].id}/complete`, payload: { outcome: 'promote' } });
    expect(done.json()).toEqual(applicationAnswer({ status: 'closed', outcome: 'approved', citizen: '' }));
    const rows = await eventually(async () => {
      const found = await notificationsOf(trackingNumber);
      return found.length ? found : undefined;
    });
    expect(rows.map((r) => [r.template, r.recipients])).toEqual([['readyForCollection', ['hr-officer']]]);
  });

  it('is forwarded to the competent body, which the application then names', async () => {
    const filed = (await fileInternal(office.agent)).json();
    const done = await office.agent({ method: 'POST', url: `/tasks/${filed.tasks[0].id}/complete`, payload: { outcome: 'refer' } });
    expect(done.json()).toEqual(applicationAnswer({ status: 'closed', outcome: 'forwarded', forwardedTo: ministry, motivation: null }));
    const read = await eventually(async () => {
      const res = await office.supervisor({ method: 'GET', url: `/applications/${filed.trackingNumber}` });
      return res.json().status === 'closed' ? res.json() : undefined;
    });
    expect(read).toEqual(applicationAnswer({ status: 'closed', outcome: 'forwarded', forwardedTo: ministry }));
    expect(await notificationsOf(filed.trackingNumber)).toEqual([]);
  });

  it('is granted in part, with the motivation of what is refused', async () => {
    const filed = (await fileInternal(office.agent)).json();
    const done = await office.agent({ method: 'POST', url: `/tasks/${filed.tasks[0].id}/complete`, payload: { outcome: 'partly' } });
    expect(done.json()).toEqual(applicationAnswer({ status: 'closed', outcome: 'partiallyGranted', motivation: 'Promoted one grade, not two.', forwardedTo: null }));
  });
});

describe('a forwarded application a citizen filed', () => {
  it('shows the body at the kiosk and names it in the decision message', async () => {
    const filed = await office.citizen({ method: 'POST', url: '/applications', payload: { procedureId: citizensId, officeId: office.office, data: { phone: '0661234567', language: 'fr' } } });
    expect(filed.statusCode, filed.body).toBe(201);
    const { trackingNumber, tasks, receipt } = filed.json();
    await office.agent({ method: 'POST', url: `/tasks/${tasks[0].id}/complete`, payload: { outcome: 'refer' } });
    const tracked = await eventually(async () => {
      const res = await stack.app.inject({ method: 'POST', url: '/track', payload: { trackingNumber, pin: receipt.pin } });
      return res.json().status === 'closed' ? res.json() : undefined;
    });
    expect(tracked).toEqual(trackAnswer({ trackingNumber, status: 'closed', outcome: 'forwarded', forwardedTo: ministry }));
    const decision = (await notificationsOf(trackingNumber)).find((n) => n.template === 'decision');
    expect(decision?.recipients).toEqual(['citizen']);
    expect(decision?.context).toEqual({ trackingNumber, procedureId: citizensId, outcome: 'forwarded', forwardedTo: ministry });
  });
});

describe("Law 31.13's urgent request", () => {
  const form = { fullName: 'Salma Berrada', idType: 'cin', idNumber: 'FC112233', informationRequested: 'The 2026 budget of the commune', deliveryFormat: 'email', email: 'salma@example.ma' };

  it("is extended by its own 3 working days, which its deadline shows; the others by the deadline's 20", async () => {
    const urgent = await office.citizen({
      method: 'POST',
      url: '/applications',
      payload: { procedureId: urgentId, officeId: office.office, data: { ...form, lifeSafetyOrFreedomAtStake: true, urgencyReason: 'A detained relative needs the record.' } },
    });
    expect(urgent.statusCode, urgent.body).toBe(201);
    const { trackingNumber, deadline } = urgent.json();
    expect(deadline.extension).toEqual({ maxCount: 1, units: 3 });

    const tooMuch = await office.agent({ method: 'POST', url: `/applications/${trackingNumber}/extension`, payload: { units: 4, reason: 'a search of the archives' } });
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.json()).toEqual(problemAnswer({ code: 'invalid_input', detail: 'An extension adds at most 3.', errors: [fieldError('/units', 'must be at most 3')] }));
    const extended = await office.agent({ method: 'POST', url: `/applications/${trackingNumber}/extension`, payload: { units: 3, reason: 'a search of the archives' } });
    expect(extended.statusCode, extended.body).toBe(200);
    expect(extended.json().deadline.ledger.at(-1)).toEqual({ type: 'extended', at: expect.any(String), units: 3, reason: 'a search of the archives' });

    const regular = await office.citizen({ method: 'POST', url: '/applications', payload: { procedureId: urgentId, officeId: office.office, data: { ...form, lifeSafetyOrFreedomAtStake: false } } });
    expect(regular.json().deadline).not.toHaveProperty('extension');
    const byTwenty = await office.agent({ method: 'POST', url: `/applications/${regular.json().trackingNumber}/extension`, payload: { units: 20, reason: 'a search of the archives' } });
    expect(byTwenty.statusCode, byTwenty.body).toBe(200);
  });
});
