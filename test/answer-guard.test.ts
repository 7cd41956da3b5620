/**
 * The test stack's answer guard (test/helpers/answer-guard.ts) on a small app of its own: it must note a
 * field that a response schema forgets (the serializer drops it silently), a value the serializer
 * changes, a status or content type the schema does not declare, and a route without a schema or an
 * operationId; and keep quiet about answers that are what they declare.
 */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { answerGuard } from './helpers/answer-guard.js';

const view = {
  type: 'object',
  required: ['id', 'status'],
  properties: { id: { type: 'string' }, status: { type: 'string' }, closedAt: { type: ['string', 'null'] } },
} as const;

async function guarded() {
  const guard = answerGuard();
  const app = Fastify();
  guard.watch(app);
  const problem = { '4xx': { content: { 'application/problem+json': { schema: { type: 'object', properties: { status: { type: 'integer' } } } } } } };
  app.get('/faithful', { schema: { operationId: 'faithful', response: { 200: view, ...problem } } }, async () => ({ id: 'a', status: 'open', closedAt: null }));
  app.get('/forgetful', { schema: { operationId: 'forgetful', response: { 200: view } } }, async () => ({ id: 'a', status: 'open', citizen: 'c-1' }));
  app.get('/coerced', { schema: { operationId: 'coerced', response: { 200: view } } }, async () => ({ id: 'a', status: null }));
  // Typed loosely: fastify's types would refuse a status the schema does not declare.
  const loose: Record<string, unknown> = { 200: view };
  app.get('/undeclared', { schema: { operationId: 'undeclared', response: loose } }, async (_request, reply) => reply.status(202).send({ id: 'a', status: 'open' }));
  app.get('/page', { schema: { operationId: 'page', response: { 200: view } } }, async (_request, reply) => reply.type('text/html').send('<p>hi</p>'));
  app.get('/bare', async () => ({ id: 'a' }));
  app.get('/problem', { schema: { operationId: 'problem', response: { 200: view, ...problem } } }, async (_request, reply) =>
    reply.status(404).type('application/problem+json').send({ status: 404 }),
  );
  return { guard, app };
}

describe('the answer guard', () => {
  it('keeps quiet when an answer is what its route declares', async () => {
    const { guard, app } = await guarded();
    expect((await app.inject('/faithful')).json()).toEqual({ id: 'a', status: 'open', closedAt: null });
    await app.inject('/problem');
    expect(guard.failures).toEqual([]);
  });

  it('notes a field the response schema forgot, which the serializer dropped', async () => {
    const { guard, app } = await guarded();
    expect((await app.inject('/forgetful')).json()).toEqual({ id: 'a', status: 'open' });
    expect(guard.failures).toEqual(['GET /forgetful: 200 /citizen: dropped (the schema does not declare it)']);
  });

  it('notes a value the serializer changed', async () => {
    const { guard, app } = await guarded();
    await app.inject('/coerced');
    expect(guard.failures).toEqual(['GET /coerced: 200 /status: null became ""']);
  });

  it('notes a status or a content type the schema does not declare, and a route without a schema or an operationId', async () => {
    const { guard, app } = await guarded();
    await app.inject('/undeclared');
    await app.inject('/page');
    await app.inject('/bare');
    expect(guard.failures).toEqual([
      'GET /undeclared: answered 202, which its response schema does not declare',
      'GET /page: answered 200 as text/html; its schema declares application/json',
      'GET /bare: has no operationId',
      'GET /bare: has no response schema',
    ]);
  });
});
