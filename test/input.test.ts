/**
 * An application can never be jammed or forked by its input: nesting and sizes bounded before anything
 * reaches Temporal, offices checked against the directory, tracking numbers drawn at random and never
 * shared, and a projection PostgreSQL refuses for good turned into an incident instead of a retry loop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Application } from '../db/entities.js';
import { testProcedure } from './helpers/definitions.js';
import { createTestStack, people, type TestStack } from './helpers/stack.js';


const residenceForm = { fullName: 'Amina Idrissi', cin: 'FB123456', address: '12 rue Al Amal, Berkane' };

let stack: TestStack;
let staff: Awaited<ReturnType<typeof people>>;

beforeAll(async () => {
  stack = await createTestStack();
  staff = await people(stack, `annex-input-${stack.id}`);
  await stack.procedures.publish(testProcedure('input-defaults'), 'test', 'api');
});
afterAll(async () => {
  await stack?.close();
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
