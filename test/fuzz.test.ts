/**
 * Every route of the OpenAPI document the API serves, fuzzed on the real stack with fast-check: values
 * shaped by each route's own schemas mixed with hostile ones (NUL, lone surrogates, a right-to-left
 * override, megabyte strings, JSON ten thousand levels deep, wrong types, another office's ids), sent by
 * every role. Whatever comes in: no 5xx, no hang, and every error a problem that names its field.
 * The seed is fixed and the cases bounded, so a failure replays and the file runs in well under a minute.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { ROLES } from '../identity/tokens.js';
import { createTestStack, people, tokenFor, type TestStack } from './helpers/stack.js';

const SEED = 15_2026;
const CASES_PER_ROUTE = 12;
/** Far above any answer on a loaded machine: only a request that never answers trips it. */
const HANG_MS = 20_000;

type Schema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minItems?: number;
  minimum?: number;
  maximum?: number;
  anyOf?: Schema[];
  oneOf?: Schema[];
};
interface Operation {
  parameters?: Array<{ in: 'path' | 'query' | 'header'; name: string; required?: boolean; schema?: Schema }>;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

const form = { fullName: 'Youssef Tazi', cin: 'FK778899', address: '5 derb Sidi Yahya, Berkane', phone: '+212600000000' };

let stack: TestStack;
/** Known ids by the name of the field that carries them, from both offices, so ids cross offices. */
const known: Record<string, string[]> = {};
let callers: Array<{ name: string; headers: Record<string, string> }>;

/** A value that no route should choke on, whatever field it lands in. Deep JSON is spliced in as text. */
const DEEP = '\u0001deep\u0001';
const DEEP_JSON = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
const hostileStrings = [
  '\u0000',
  'Amina \u0000 Idrissi',
  '\ud800',
  'Amina \udc00 Idrissi',
  '\u202Efdp.exe',
  '\ufeff',
  '𝕄𝕠𝕙𝕝𝕒 🇲🇦',
  'ﷺ',
  '',
  ' ',
  '../../etc/passwd',
  "' or 1=1 --",
  '%00',
  '__proto__',
  '0000-01-01',
  '9999-12-31',
  '0000-01-01T00:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  '1e400',
  '-0',
  'x'.repeat(1_000_001),
];
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(...hostileStrings),
  fc.constantFrom<unknown>(DEEP, null, true, -1, 0, 1e308, 2 ** 53 + 1, [], {}, ['\u0000'], { __proto__: null, nested: '\ud83d' }),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

function domainValues(name: string): string[] {
  return known[name] ?? [];
}

/** Values shaped by the schema (some valid, some just off), a field's known ids preferred. */
function shaped(schema: Schema | undefined, name: string, depth: number): fc.Arbitrary<unknown> {
  if (!schema) return fc.jsonValue({ maxDepth: 2 });
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => shaped(s, name, depth)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  const ids = domainValues(name);
  switch (type) {
    case 'string': {
      const text =
        schema.format === 'date'
          ? fc.date({ min: new Date('2024-01-01'), max: new Date('2028-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))
          : schema.format === 'date-time'
            ? fc.date({ min: new Date('2024-01-01'), max: new Date('2028-12-31'), noInvalidDate: true }).map((d) => d.toISOString())
            : fc.string({ maxLength: 24 });
      return ids.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...ids) }, { weight: 1, arbitrary: text }) : text;
    }
    case 'integer':
    case 'number':
      return fc.integer({ min: Math.max(schema.minimum ?? -5, -1e6), max: Math.min(schema.maximum ?? 500, 1e6) });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(field(schema.items, name, depth + 1), { minLength: schema.minItems ?? 0, maxLength: 3 });
    case 'object': {
      if (depth > 3) return fc.constant({});
      const properties = Object.entries(schema.properties ?? {});
      if (!properties.length) return fc.dictionary(fc.constantFrom('fullName', 'cin', 'note', 'x'), field(undefined, 'x', depth + 1), { maxKeys: 3 });
      const required = new Set(schema.required ?? []);
      const model = Object.fromEntries(properties.map(([key, s]) => [key, field(s, key, depth + 1)]));
      return fc.record(model, { requiredKeys: properties.map(([key]) => key).filter((key) => required.has(key)) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Mostly shaped values, sometimes hostile ones, in any field. */
function field(schema: Schema | undefined, name: string, depth = 0): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 2, arbitrary: shaped(schema, name, depth) }, { weight: 1, arbitrary: hostile });
}

/** Percent-encodes as a hostile client would: a lone surrogate goes out as the (invalid) UTF-8 bytes of one. */
function encode(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  let out = '';
  for (const ch of text) {
    try {
      out += encodeURIComponent(ch);
    } catch {
      out += '%ED%A0%80';
    }
  }
  return out;
}

/** Bodies no schema describes: broken JSON, nothing at all, prototype pollution, another media type. */
const RAW = '\u0001raw\u0001';
const rawBodies: Array<{ text: string; contentType: string }> = [
  { text: '{"procedureId": ', contentType: 'application/json' },
  { text: '', contentType: 'application/json' },
  { text: 'null', contentType: 'application/json' },
  { text: '{"__proto__": {"role": "admin"}}', contentType: 'application/json' },
  { text: '{"constructor": {"prototype": {"role": "admin"}}}', contentType: 'application/json' },
  { text: '<form/>', contentType: 'application/xml' },
  { text: 'fullName=Amina', contentType: 'application/x-www-form-urlencoded' },
  { text: '--x\r\nContent-Disposition: form-data; name="file"\r\n\r\n', contentType: 'multipart/form-data' },
];

/** The body as text: JSON, with the deep value spliced in where it was drawn. */
function bodyText(value: unknown): string {
  return JSON.stringify(value).split(JSON.stringify(DEEP)).join(DEEP_JSON);
}

function withinBound(request: Promise<LightMyRequestResponse>, what: string): Promise<LightMyRequestResponse> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${HANG_MS} ms`)), HANG_MS);
  });
  return Promise.race([request, hang]).finally(() => clearTimeout(timer));
}

/** What every answer must be: no 5xx; an error is a problem, and bad input names its field. */
function checkAnswer(res: LightMyRequestResponse, what: string): void {
  expect(res.statusCode, `${what} → ${res.statusCode} ${res.body.slice(0, 400)}`).toBeLessThan(500);
  if (res.statusCode < 400) return;
  expect(res.headers['content-type'], `${what} → ${res.statusCode}`).toContain('application/problem+json');
  const body = res.json() as { status: number; code: string; title: string; errors?: Array<{ pointer?: string; message: string }> };
  expect(body, what).toMatchObject({ status: res.statusCode, code: expect.any(String), title: expect.any(String) });
  if ([400, 413, 414, 415].includes(res.statusCode)) {
    expect(body.errors?.[0]?.pointer, `${what} → ${res.body.slice(0, 400)}`).toEqual(expect.any(String));
  }
}

let operations: Array<{ method: string; path: string; operation: Operation }>;

beforeAll(async () => {
  stack = await createTestStack();
  const a = await people(stack, `annex-fuzz-a-${stack.id}`);
  const b = await people(stack, `annex-fuzz-b-${stack.id}`);
  const filed = await Promise.all(
    [a, b].map(async (o) => {
      const res = await o.citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', officeId: o.office, data: form } });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { trackingNumber: string; receipt: { pin: string }; tasks: Array<{ id: string }> };
    }),
  );
  Object.assign(known, {
    trackingNumber: filed.map((f) => f.trackingNumber),
    taskId: filed.map((f) => f.tasks[0]!.id),
    pin: filed.map((f) => f.receipt.pin),
    officeId: [a.office, b.office, 'annex-berkane-1'],
    procedureId: ['residence-certificate', 'building-permit-small', 'no-such-procedure'],
    id: ['residence-certificate', 'ma', 'no-such-id'],
    documentId: ['cinCopy', 'passport'],
    outcome: ['approve', 'reject'],
    assignee: ['me', a.agentId],
    citizen: [a.citizenId, b.citizenId],
    role: ['agent', 'supervisor'],
  });
  const staff = (role: (typeof ROLES)[number]) => tokenFor(role, `${role}-fuzz`, [a.office]);
  callers = [
    { name: 'anonymous', headers: {} },
    { name: 'citizen', headers: { authorization: `Bearer ${await tokenFor('citizen', a.citizenId)}` } },
    ...(await Promise.all(ROLES.filter((r) => r !== 'citizen').map(async (role) => ({ name: role, headers: { authorization: `Bearer ${await staff(role)}` } })))),
  ];
  const doc = (await stack.app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, Operation>> };
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
}, 120_000);
afterAll(async () => {
  await stack?.close();
});

/** The hostile values every parameter of every route meets at least once, whatever fast-check draws. */
const sweepValues: unknown[] = ['\u0000', 'a\u0000b', '\ud800', 'x\udc00y', '\u202Efdp.exe', '0000-01-01', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', -1, 'x'.repeat(1_000_001), DEEP, 12, ['a', 'b'], { a: 1 }];

/** Callers the route admits (someone signed in first): what reaches the handlers. */
function admittedCallers(method: string, path: string) {
  const policy = stack.app.routePolicies.find((p) => p.method === method && p.url === path.replace(/\{(\w+)\}/g, ':$1'));
  const admitted = callers.filter((c) => policy?.access === 'public' || (policy?.access.includes(c.name as (typeof ROLES)[number]) ?? true));
  return admitted.length ? admitted : callers;
}

describe('fuzzing every route', () => {
  it('the OpenAPI document lists every route the API declares', () => {
    const documented = new Set(operations.map((o) => `${o.method} ${o.path.replace(/\{(\w+)\}/g, ':$1')}`));
    // The documentation, the web page and the receipt's stylesheet and script are files, and a CORS
    // preflight is the browser's question: none is an API operation.
    const declared = stack.app.routePolicies.filter((p) => !p.url.startsWith('/docs') && p.url !== '/' && !p.url.startsWith('/receipt/') && p.method !== 'OPTIONS').map((p) => `${p.method} ${p.url}`);
    expect(declared.filter((r) => !documented.has(r))).toEqual([]);
    expect(operations.length).toBeGreaterThan(30);
  });

  it('every path parameter, query parameter and body property of every route meets each hostile value', { timeout: 600_000 }, async () => {
    const failures: string[] = [];
    for (const { method, path, operation } of operations) {
      const parameters = operation.parameters ?? [];
      const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
      const caller = admittedCallers(method, path).find((c) => c.name !== 'anonymous') ?? callers[0]!;
      const slots = [
        ...parameters.filter((p) => p.in === 'path' || p.in === 'query').map((p) => ({ in: p.in, name: p.name })),
        ...Object.keys(bodySchema?.properties ?? {}).map((name) => ({ in: 'body', name })),
      ];
      for (const slot of slots) {
        for (const value of sweepValues) {
          let url = path;
          for (const p of parameters.filter((q) => q.in === 'path')) {
            url = url.replace(`{${p.name}}`, encode(slot.in === 'path' && slot.name === p.name ? value : (domainValues(p.name)[0] ?? 'x')));
          }
          if (slot.in === 'query') url += `?${encodeURIComponent(slot.name)}=${encode(value)}`;
          const body = bodySchema ? { ...(slot.in === 'body' ? { [slot.name]: value } : {}) } : undefined;
          const what = `${caller.name} ${method} ${url.slice(0, 160)} ${slot.in}:${slot.name}=${JSON.stringify(value).slice(0, 20)}`;
          try {
            const res = await withinBound(
              stack.app.inject({
                method: method as InjectOptions['method'],
                url,
                headers: { ...caller.headers, ...(body ? { 'content-type': 'application/json' } : {}) },
                ...(body ? { payload: bodyText(body) } : {}),
              }),
              what,
            );
            checkAnswer(res, what);
          } catch (err) {
            failures.push((err as Error).message.split('\n')[0]!);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('no 5xx, no hang, every error a problem naming its field, for every route and role', { timeout: 600_000 }, async () => {
    const failures: string[] = [];
    const answered: Record<number, number> = {};
    for (const { method, path, operation } of operations) {
      const parameters = operation.parameters ?? [];
      const pathParams = parameters.filter((p) => p.in === 'path');
      const queryParams = parameters.filter((p) => p.in === 'query');
      const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
      const admitted = admittedCallers(method, path);
      const request = fc.record({
        // Mostly callers the route admits, so that values get past authentication to the handlers.
        caller: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...admitted) }, { weight: 1, arbitrary: fc.constantFrom(...callers) }),
        params: fc.tuple(...pathParams.map((p) => field(p.schema, p.name)), fc.constant(null)),
        query: fc.record(Object.fromEntries(queryParams.map((p) => [p.name, field(p.schema, p.name)])), { requiredKeys: [] }),
        body: fc.oneof(
          { weight: 4, arbitrary: bodySchema ? field(bodySchema, 'body') : fc.option(hostile, { nil: undefined }) },
          { weight: 1, arbitrary: fc.constant<unknown>(RAW) },
        ),
        raw: fc.constantFrom(...rawBodies),
      });
      await fc.assert(
        fc.asyncProperty(request, async ({ caller, params, query, body, raw }) => {
          let url = path;
          pathParams.forEach((p, i) => {
            url = url.replace(`{${p.name}}`, encode(params[i]));
          });
          const search = Object.entries(query).map(([k, v]) => `${encodeURIComponent(k)}=${encode(v)}`).join('&');
          if (search) url += `?${search}`;
          const payload = body === RAW ? raw : body !== undefined ? { text: bodyText(body), contentType: 'application/json' } : undefined;
          const options: InjectOptions = {
            method: method as InjectOptions['method'],
            url,
            headers: { ...caller.headers, ...(payload ? { 'content-type': payload.contentType } : {}) },
            ...(payload ? { payload: payload.text } : {}),
          };
          const what = `${caller.name} ${method} ${url.slice(0, 200)}`;
          try {
            const res = await withinBound(stack.app.inject(options), what);
            answered[Math.floor(res.statusCode / 100)] = (answered[Math.floor(res.statusCode / 100)] ?? 0) + 1;
            checkAnswer(res, what);
          } catch (err) {
            failures.push((err as Error).message.split('\n')[0]!);
          }
        }),
        { seed: SEED, numRuns: CASES_PER_ROUTE },
      );
    }
    // Every route's findings at once, rather than the first route's alone.
    expect(failures).toEqual([]);
    // The shaped values do reach the handlers: a fuzz that only met validation would prove little.
    expect(answered[2] ?? 0, JSON.stringify(answered)).toBeGreaterThan(operations.length);
  });
});
