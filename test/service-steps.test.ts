import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationAnswer, taskAnswer } from './helpers/answers.js';
import { addOffice, createTestStack, eventually, people, type TestStack } from './helpers/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack();
});
afterAll(async () => {
  await stack?.close();
});

describe('service steps', () => {
  it('call their activity with the retry policy the definition writes in ISO durations: a civil-status record found is issued and posted with no agent', async () => {
    const office = `commune-services-${stack.id}`;
    addOffice(stack, office, 'commune');
    const { citizen } = await people(stack, office);
    const data = { fullName: 'Samira Chaoui', birthDate: '1990-04-12', birthPlace: 'Berkane', registryOffice: 'Berkane', recordNumber: '1234/1990', copies: 2, deliveryAddress: '5 rue Ibn Khaldoun', city: 'Berkane', postalCode: '63300', phone: '0662000004' };
    const filed = await citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'civil-status-extract', officeId: office, data } });
    expect(filed.statusCode, filed.body).toBe(201);
    const trackingNumber = filed.json().trackingNumber as string;
    // Every step with a retry policy (fetching the record, posting the extract) ran: none fell over to an agent.
    const closed = await eventually(async () => {
      const view = (await citizen({ method: 'GET', url: `/applications/${trackingNumber}` })).json();
      return view.status === 'closed' ? view : undefined;
    });
    expect(closed).toEqual(applicationAnswer({ trackingNumber, status: 'closed', outcome: 'approved', document: 'birth-record-extract', tasks: [] }));
  });

  it('read the commune tax accounts for a real-estate tax certificate: paid up, it goes to the head of the revenue service to sign, then is issued', async () => {
    const office = `commune-revenue-${stack.id}`;
    addOffice(stack, office, 'commune');
    const { citizen, agent } = await people(stack, office);
    const data = { fullName: 'Youssef Bennani', cin: 'AB123456', landTitle: '45213/63', propertyAddress: 'Lot Al Amal 12, Berkane', purpose: 'sale' };
    const filed = await citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'real-estate-tax-certificate', officeId: office, data } });
    expect(filed.statusCode, filed.body).toBe(201);
    const trackingNumber = filed.json().trackingNumber as string;
    const signing = await eventually(async () => {
      const view = (await agent({ method: 'GET', url: `/applications/${trackingNumber}` })).json();
      return view.tasks.length ? view : undefined;
    });
    expect(signing.tasks.map((t: { stepId: string; role: string }) => `${t.stepId}:${t.role}`)).toEqual(['sign:revenue-head']);
    const signed = await agent({ method: 'POST', url: `/tasks/${signing.tasks[0].id}/complete`, payload: { outcome: 'sign' } });
    expect(signed.statusCode, signed.body).toBe(200);
    const closed = await eventually(async () => {
      const view = (await citizen({ method: 'GET', url: `/applications/${trackingNumber}` })).json();
      return view.status === 'closed' ? view : undefined;
    });
    expect(closed).toEqual(
      applicationAnswer({ trackingNumber, status: 'closed', outcome: 'approved', document: 'real-estate-tax-certificate', tasks: [taskAnswer({ stepId: 'sign', role: 'revenue-head', status: 'completed', outcome: 'sign' })] }),
    );
  });
});
