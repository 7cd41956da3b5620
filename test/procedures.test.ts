import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../infra/config.js';
import { as, createTestStack, people, tokenFor, type TestStack } from './helpers/stack.js';

const shipped = JSON.parse(
  readFileSync(path.join(loadConfig().proceduresDir, 'residence-certificate.v1.json'), 'utf8'),
);

/** Version 2 renames the outcomes: a v1 application must keep v1's. */
function version2() {
  const v2 = structuredClone(shipped);
  v2.version = 2;
  v2.steps.review.outcomes = { grant: { next: 'issued' }, refuse: { next: 'refused' } };
  v2.steps.issued.document = 'residence-certificate-2026';
  return v2;
}

let stack: TestStack;
let designer: ReturnType<typeof as>;
beforeAll(async () => {
  stack = await createTestStack();
  designer = as(stack, await tokenFor('designer'));
});
afterAll(async () => {
  await stack?.close();
});

const form = { fullName: 'Khadija Amrani', cin: 'FA45678', address: 'Hay Al Qods, Berkane' };

describe('the published registry', () => {
  it('lists the shipped procedures, each with its content hash', async () => {
    const res = await stack.app.inject({ method: 'GET', url: '/procedures' });
    expect(res.statusCode).toBe(200);
    expect(res.json().procedures).toContainEqual(
      expect.objectContaining({ id: 'residence-certificate', version: 1, hash: expect.stringMatching(/^[0-9a-f]{64}$/) }),
    );
  });

  it('validates a draft without publishing it, naming each pointer', async () => {
    const draft = structuredClone(shipped);
    draft.steps.review.outcomes.approve.next = 'nowhere';
    const res = await designer({ method: 'POST', url: '/procedures/validate', payload: draft });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toContainEqual({ pointer: '/steps/review/outcomes/approve/next', message: 'step "nowhere" does not exist' });
    const ok = await designer({ method: 'POST', url: '/procedures/validate', payload: shipped });
    expect(ok.statusCode).toBe(200);
  });

  it('refuses to publish an invalid definition, and stores nothing', async () => {
    const broken = version2();
    broken.version = 7;
    broken.start = 'nowhere';
    const res = await designer({ method: 'POST', url: '/procedures', payload: broken });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'invalid_definition', errors: [{ pointer: '/start' }] });
    const versions = await stack.app.inject({ method: 'GET', url: '/procedures/residence-certificate/versions' });
    expect(versions.json().versions.map((v: { version: number }) => v.version)).not.toContain(7);
  });

  it('publishing version 2 leaves an open version 1 application on version 1', async () => {
    const office = `annex-pin-${stack.id}`;
    const { citizen, agent } = await people(stack, office);
    const filedV1 = await citizen({
      method: 'POST',
      url: '/applications',
      payload: { procedureId: 'residence-certificate', officeId: office, data: form },
    });
    expect(filedV1.statusCode, filedV1.body).toBe(201);
    expect(filedV1.json().procedure).toEqual({ id: 'residence-certificate', version: 1 });

    const published = await designer({ method: 'POST', url: '/procedures', payload: version2() });
    expect(published.statusCode, published.body).toBe(201);
    expect(published.json()).toMatchObject({ status: 'published', version: 2 });

    const again = await designer({ method: 'POST', url: '/procedures', payload: version2() });
    expect(again.statusCode).toBe(200);
    expect(again.json().status).toBe('unchanged');
    const altered = version2();
    altered.title.en = 'Something else';
    const conflict = await designer({ method: 'POST', url: '/procedures', payload: altered });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().code).toBe('version_conflict');

    const latest = await stack.app.inject({ method: 'GET', url: '/procedures/residence-certificate' });
    expect(latest.json().version).toBe(2);

    // New applications take version 2; the open one keeps version 1's outcomes and document.
    const filedV2 = await citizen({
      method: 'POST',
      url: '/applications',
      payload: { procedureId: 'residence-certificate', officeId: office, data: form },
    });
    expect(filedV2.json().procedure.version).toBe(2);
    const v1Task = filedV1.json().tasks[0].id;
    const wrong = await agent({ method: 'POST', url: `/tasks/${v1Task}/complete`, payload: { outcome: 'grant' } });
    expect(wrong.statusCode).toBe(422);
    const done = await agent({ method: 'POST', url: `/tasks/${v1Task}/complete`, payload: { outcome: 'approve' } });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ outcome: 'approved', document: 'residence-certificate', procedure: { version: 1 } });
  });
});

describe('the digital guide', () => {
  it('speaks the requested language', async () => {
    const ar = await stack.app.inject({ method: 'GET', url: '/guide?lang=ar' });
    expect(ar.statusCode).toBe(200);
    expect(ar.json().procedures).toContainEqual(expect.objectContaining({ id: 'residence-certificate', title: 'شهادة السكنى' }));
    const en = await stack.app.inject({ method: 'GET', url: '/guide/residence-certificate', headers: { 'accept-language': 'en-GB,en;q=0.8' } });
    expect(en.json()).toMatchObject({
      language: 'en',
      title: 'Residence certificate',
      documents: [expect.objectContaining({ label: 'Copy of the national identity card' })],
      legalDeadline: expect.objectContaining({ budget: expect.stringContaining('working days') }),
      legalBasis: expect.objectContaining({ law: 'Law 55.19', confirmed: false }),
    });
  });

  it('answers 404 for an unknown procedure', async () => {
    const res = await stack.app.inject({ method: 'GET', url: '/guide/no-such-thing' });
    expect(res.statusCode).toBe(404);
  });
});
