/**
 * The OpenAPI document the API serves describes every answer: each operation has an operationId (a
 * camelCase verb, unique in the document), a schema for each success status it answers, and the shared
 * problem for every error. What the document cannot show (the routes it hides, the statuses actually
 * answered) the test stack's answer guard checks on every answer of every test file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStack, type TestStack } from './helpers/stack.js';

interface Response {
  description?: string;
  content?: Record<string, { schema?: { $ref?: string } & Record<string, unknown> }>;
}
interface Operation {
  operationId?: string;
  responses?: Record<string, Response>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, { required?: string[]; properties?: Record<string, unknown> }> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const PROBLEM_REF = '#/components/schemas/Problem';

let stack: TestStack;
let doc: Document;
let operations: Array<{ name: string; method: string; path: string; operation: Operation }>;

beforeAll(async () => {
  stack = await createTestStack({ worker: false });
  const res = await stack.app.inject({ method: 'GET', url: '/docs/json' });
  expect(res.statusCode).toBe(200);
  doc = res.json() as Document;
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, method, path, operation })),
  );
}, 120_000);
afterAll(async () => {
  await stack?.close();
});

describe('the OpenAPI document', () => {
  it('names every operation with a unique camelCase verb', () => {
    expect(operations.length).toBeGreaterThan(30);
    expect(operations.filter((o) => !o.operation.operationId).map((o) => o.name)).toEqual([]);
    expect(operations.filter((o) => !/^[a-z]+(?:[A-Z][a-z0-9]*)+$/.test(o.operation.operationId ?? '')).map((o) => `${o.name}: ${o.operation.operationId}`)).toEqual([]);
    const ids = operations.map((o) => o.operation.operationId);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('describes every success answer of every operation: a schema for each content type, or no content', () => {
    const lacking: string[] = [];
    for (const { name, operation } of operations) {
      const responses = Object.entries(operation.responses ?? {});
      const successes = responses.filter(([status]) => /^[23]/.test(status));
      if (!successes.length) lacking.push(`${name}: no success answer`);
      for (const [status, response] of responses) {
        // @fastify/swagger's stand-in for a route that declares no answers.
        if (response.description === 'Default Response') lacking.push(`${name} ${status}: no response schema`);
        if (!response.description) lacking.push(`${name} ${status}: no description`);
        if (status === '204') {
          if (response.content) lacking.push(`${name} 204: a body`);
          continue;
        }
        const contents = Object.entries(response.content ?? {});
        if (!contents.length) lacking.push(`${name} ${status}: no content type`);
        for (const [type, media] of contents) if (!media.schema) lacking.push(`${name} ${status} ${type}: no schema`);
      }
    }
    expect(lacking).toEqual([]);
  });

  it('answers every error of every operation with the one shared problem (application/problem+json)', () => {
    const lacking: string[] = [];
    for (const { name, operation } of operations) {
      for (const errorClass of ['4XX', '5XX']) {
        const schema = operation.responses?.[errorClass]?.content?.['application/problem+json']?.schema;
        if (schema?.$ref !== PROBLEM_REF) lacking.push(`${name}: ${errorClass} is not the shared problem`);
      }
      // A status of its own (the health check's 503) still says what a problem looks like.
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (!/^[45]\d\d$/.test(status)) continue;
        if (response.content?.['application/problem+json']?.schema?.$ref !== PROBLEM_REF) lacking.push(`${name}: ${status} has no problem`);
      }
    }
    expect(lacking).toEqual([]);
    expect(doc.components?.schemas?.Problem).toMatchObject({
      required: ['type', 'title', 'status', 'detail', 'code'],
      properties: { type: {}, title: {}, status: {}, detail: {}, code: {}, errors: {}, instance: {} },
    });
  });

  it('lists no required property after an optional one, so answers keep the order the API writes them in', () => {
    // fast-json-stringify writes an object's required properties first, then the optional ones.
    const misplaced: string[] = [];
    const walk = (schema: unknown, where: string): void => {
      if (Array.isArray(schema)) return schema.forEach((s, i) => walk(s, `${where}/${i}`));
      if (!schema || typeof schema !== 'object') return;
      const { properties, required } = schema as { properties?: Record<string, unknown>; required?: string[] };
      if (properties) {
        const keys = Object.keys(properties);
        const firstOptional = keys.findIndex((k) => !required?.includes(k));
        const lateRequired = keys.find((k, i) => firstOptional >= 0 && i > firstOptional && required?.includes(k));
        if (lateRequired) misplaced.push(`${where}: ${lateRequired} after ${keys[firstOptional]}`);
      }
      for (const [key, value] of Object.entries(schema)) walk(value, `${where}/${key}`);
    };
    for (const { name, operation } of operations) walk(operation.responses, name);
    walk(doc.components?.schemas, 'components');
    expect(misplaced).toEqual([]);
  });

  it('lists every route of the API; the routes it hides (pages and their files) are answered here, so the answer guard checks them', async () => {
    const documented = new Set(operations.map((o) => `${o.method.toUpperCase()} ${o.path.replace(/\{(\w+)\}/g, ':$1')}`));
    // Plugins' routes (the documentation, the front end's files) are theirs to describe.
    const routes = stack.app.routePolicies.filter((p) => !p.url.startsWith('/docs') && !p.url.startsWith('/assets/'));
    const hidden = routes.filter((p) => !documented.has(`${p.method} ${p.url}`));
    expect(hidden.map((p) => `${p.method} ${p.url}`).sort()).toEqual(['GET /', 'GET /receipt/receipt.css', 'GET /receipt/receipt.js']);
    // Whatever they answer (the page is a 503 problem when the front end is not built), the guard checks
    // that the route has an operationId and declares that answer.
    for (const route of hidden) await stack.app.inject({ method: route.method as 'GET', url: route.url });
    expect(stack.answers.failures).toEqual([]);
  });
});
