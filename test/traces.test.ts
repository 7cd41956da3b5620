/**
 * One filing, one trace: the API's request span, the Temporal client's call under it, the workflow run
 * the call started, an activity the workflow scheduled and the PostgreSQL statements and the queue write
 * the activity made, each the parent of the next, exported by the real API and worker processes over OTLP/HTTP to a receiver
 * in the test. No span, in its name or its attributes, holds the applicant's data.
 */
import type { ChildProcess } from 'node:child_process';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.js';
import { freePort } from './helpers/ports.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './helpers/otlp-receiver.js';
import { apiContext, createTestStack, eventually, tokenFor, type TestStack } from './helpers/stack.js';
import { killHard, startApiProcess, startWorkerProcess } from './helpers/worker-process.js';

const salma = { fullName: 'Salma Idrissi Kettani', cin: 'BE556677', address: '4 rue des Amandiers, Ifrane', phone: '0644332211' };
const citizenId = 'cin-BE556677';

let stack: TestStack;
let receiver: OtlpReceiver;
const children: ChildProcess[] = [];
let apiUrl: string;

beforeAll(async () => {
  stack = await createTestStack({ worker: false });
  receiver = await startOtlpReceiver();
  // Spans leave every 200 ms rather than every 5 s, so the test waits less.
  const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '200' };
  children.push(await startWorkerProcess(stack, tracing));
  const port = await freePort();
  children.push(await startApiProcess(stack, port, tracing));
  apiUrl = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  for (const child of children) await killHard(child);
  await receiver?.close();
  await stack?.close();
});

/** The one span of the trace that `parent` is the direct parent of and whose name matches. */
function childOf(spans: ReceivedSpan[], parent: ReceivedSpan, name: RegExp): ReceivedSpan | undefined {
  return spans.find((s) => s.traceId === parent.traceId && s.parentSpanId === parent.spanId && name.test(s.name));
}

describe('a filing\'s trace', () => {
  it('runs from the HTTP request through the workflow and its activity to PostgreSQL, without the applicant\'s data', async () => {
    const token = await tokenFor('citizen', citizenId);
    const filed = await fetch(`${apiUrl}/applications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ procedureId: 'residence-certificate', officeId: 'annex-berkane-1', data: salma }),
    });
    const body = (await filed.json()) as { trackingNumber: string };
    expect(filed.status, JSON.stringify(body)).toBe(201);
    // The workflow's own span ends, and is exported, when the workflow does: the applicant withdraws.
    const withdrawn = await fetch(`${apiUrl}/applications/${body.trackingNumber}/withdraw`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'moved away' }),
    });
    expect(withdrawn.status, await withdrawn.text()).toBe(200);

    const chain = await eventually(async () => {
      const spans = receiver.spans;
      const request = spans.find((s) => s.service === 'mohla-api' && s.name === 'POST /applications');
      if (!request) return undefined;
      const client = childOf(spans, request, /^UpdateWithStartWorkflow:confirmFiling$/);
      if (!client) return undefined;
      const run = childOf(spans, client, /^RunWorkflow:procedureWorkflow$/);
      if (!run) return undefined;
      const scheduled = childOf(spans, run, /^StartActivity:recordProjection$/);
      if (!scheduled) return undefined;
      const activity = childOf(spans, scheduled, /^RunActivity:recordProjection$/);
      if (!activity) return undefined;
      const statement = childOf(spans, activity, /^postgresql [A-Z]+$/);
      // The filing's acknowledgement to the citizen is handed to the notification queue.
      const queued = childOf(spans, activity, /^bullmq add dispatch$/);
      return statement && queued ? { request, client, run, scheduled, activity, statement, queued } : undefined;
    }, 30_000);

    expect(chain.request.kind).toBe(2); // server
    expect(chain.request.attributes).toMatchObject({ 'http.route': '/applications', 'http.request.method': 'POST', 'http.response.status_code': 201 });
    expect(chain.client.service).toBe('mohla-api');
    for (const span of [chain.run, chain.scheduled, chain.activity, chain.statement]) expect(span.service).toBe('mohla-worker');
    expect(chain.statement.kind).toBe(3); // client
    expect(chain.statement.attributes).toEqual({ 'db.system': 'postgresql', 'db.operation': chain.statement.name.replace('postgresql ', '') });
    expect(chain.queued.kind).toBe(4); // producer
    expect(chain.queued.attributes).toEqual({ 'messaging.system': 'bullmq', 'messaging.destination.name': 'dispatch', 'messaging.batch.message_count': expect.any(Number) });
    // The request's span is named after the route: the tracking number appears in no API span.
    for (const span of receiver.spans.filter((s) => s.service === 'mohla-api' && s.kind === 2)) expect(JSON.stringify(span)).not.toContain(body.trackingNumber);

    const sent = receiver.bodies.join('\n');
    for (const value of [salma.fullName, salma.cin, salma.address, salma.phone, 'Kettani', citizenId]) expect(sent, value).not.toContain(value);
  });
});

describe('a request\'s span', () => {
  it('is named after the route it matched, or "unmatched", never after the address asked for', async () => {
    // This process's own tracing, kept in memory, for an API built in it.
    const exporter = new InMemorySpanExporter();
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    const app = await buildApp(apiContext(stack));
    try {
      const trackingNumber = 'AB12-CD34-E';
      expect((await app.inject({ method: 'GET', url: `/applications/${trackingNumber}?pin=123456` })).statusCode).toBe(401);
      expect((await app.inject({ method: 'GET', url: `/nowhere/${trackingNumber}` })).statusCode).toBe(404);
    } finally {
      await app.close();
    }
    const spans = exporter.getFinishedSpans().filter((s) => s.kind === 1);
    expect(spans.map((s) => s.name)).toEqual(['GET /applications/:trackingNumber', 'GET unmatched']);
    expect(spans.map((s) => s.attributes)).toEqual([
      { 'http.request.method': 'GET', 'http.route': '/applications/:trackingNumber', 'http.response.status_code': 401 },
      { 'http.request.method': 'GET', 'http.route': 'unmatched', 'http.response.status_code': 404 },
    ]);
  });
});
