/**
 * The README's promise — logs record requests by id, never form contents, tokens or PINs — on the paths
 * where the API's request log is not the one writing: the worker's log when a projection keeps failing
 * and is retried, the API's log of a failing query, and a rejected action. (The request log itself is
 * checked in api.test.ts.) And the worker's log at its most talkative (LOG_LEVEL=debug) for a filing
 * that goes through: JSON lines, each activity's with the application's workflow id and trace id.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../api/app.js';
import { apiContext, addOffice, bearer, createTestStack, eventually, tokenFor, type TestStack } from './helpers/stack.js';
import { killHard, startWorkerProcess } from './helpers/worker-process.js';
import { query } from '../db/sql.js';
import { startTracing } from '../infra/tracing.js';

const nadia = { fullName: 'Nadia Benjelloun', cin: 'FH334455', address: '9 impasse des Orangers, Berkane', phone: '0677889900' };
const citizenId = 'cin-FH334455';
const personal = [nadia.fullName, nadia.cin, nadia.address, nadia.phone, 'Benjelloun'];

const amine = { fullName: 'Amine Tazi Ouazzani', cin: 'JK778899', address: '31 derb Sidi Bouloukat, Fès', phone: '0655443322' };
const amineCitizenId = 'cin-JK778899';

let stack: TestStack;
let worker: ChildProcess;
let app: FastifyInstance;
const workerOutput: string[] = [];
const apiLines: string[] = [];

beforeAll(async () => {
  stack = await createTestStack({ worker: false });
  worker = await startWorkerProcess(stack, { LOG_LEVEL: 'debug' });
  const collect = (chunk: Buffer) => workerOutput.push(chunk.toString());
  worker.stdout?.on('data', collect);
  worker.stderr?.on('data', collect);
  app = await buildApp(
    apiContext(stack),
    { logger: { level: 'info', stream: { write: (line: string) => apiLines.push(line) } } },
  );
  stack.answers.watch(app);
});
afterAll(async () => {
  await app?.close();
  if (worker) await killHard(worker);
  await stack?.close();
});

describe('logs on error paths', () => {
  it('never quote a form, whether the worker retries a projection PostgreSQL refuses, a query fails, or an action is rejected', async () => {
    const office = `annex-logs-${stack.id}`;
    addOffice(stack, office);
    const citizen = bearer(await tokenFor('citizen', citizenId));
    // PostgreSQL refuses this citizen's row for a while, and its error's detail quotes the whole row. (A
    // rule of the data itself, such as a check constraint, is not retried: it becomes an incident.)
    await query(
      stack.orm,
      `create function logs_probe() returns trigger language plpgsql as $$ begin
         if new.data->>'fullName' = '${nadia.fullName}' then
           raise exception 'logs_probe refuses the row' using detail = format('Failing row contains %s.', new.data);
         end if;
         return new;
       end $$`,
    );
    await query(stack.orm, 'create trigger logs_probe before insert or update on application for each row execute function logs_probe()');
    const filing = app.inject({ method: 'POST', url: '/applications', headers: citizen, payload: { procedureId: 'residence-certificate', officeId: office, data: nadia } });
    await eventually(async () => (workerOutput.join('').includes('Activity failed') ? true : undefined), 30_000);
    await query(stack.orm, 'drop trigger logs_probe on application');
    await query(stack.orm, 'drop function logs_probe()');
    const filed = await filing;
    expect(filed.statusCode, filed.body).toBe(201);
    expect(workerOutput.join('')).toContain('logs_probe');

    // A query that fails: its SQL, with the caller's values inlined, is what the driver's error says first.
    await query(stack.orm, 'alter table application rename column filed_at to filed_at_moved');
    try {
      const listed = await app.inject({ method: 'GET', url: '/applications', headers: citizen });
      expect(listed.statusCode).toBe(500);
    } finally {
      await query(stack.orm, 'alter table application rename column filed_at_moved to filed_at');
    }
    expect(apiLines.join('\n')).toContain('filed_at');

    // An action the workflow refuses, carrying the citizen's words.
    const agent = bearer(await tokenFor('agent', 'agent-logs', [office]));
    const refused = await app.inject({ method: 'POST', url: `/tasks/${filed.json().tasks[0].id}/complete`, headers: agent, payload: { outcome: `${nadia.fullName} ${nadia.cin}` } });
    expect(refused.statusCode).toBeGreaterThanOrEqual(400);
    expect(refused.statusCode).toBeLessThan(500);
    const withdrawn = await app.inject({ method: 'POST', url: `/applications/${filed.json().trackingNumber}/withdraw`, headers: citizen, payload: { reason: `${nadia.address}, ${nadia.phone}` } });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);

    const logs = `${workerOutput.join('')}\n${apiLines.join('\n')}`;
    for (const value of [...personal, citizenId]) expect(logs, value).not.toContain(value);
  });
});

interface LogLine {
  reqId?: unknown;
  span_id?: unknown;
  level?: unknown;
  time?: unknown;
  msg?: unknown;
  workflowId?: unknown;
  activityType?: unknown;
  trace_id?: unknown;
}

describe('the worker\'s log at debug', () => {
  it('is JSON lines with level, time and message, its activities\' lines carry the workflow id and the trace, and no line quotes the applicant', async () => {
    const office = `annex-debug-${stack.id}`;
    addOffice(stack, office);
    const citizen = bearer(await tokenFor('citizen', amineCitizenId));
    const filed = await app.inject({ method: 'POST', url: '/applications', headers: citizen, payload: { procedureId: 'residence-certificate', officeId: office, data: amine } });
    expect(filed.statusCode, filed.body).toBe(201);
    const workflowId: string = filed.json().trackingNumber;
    const linesOf = () =>
      workerOutput
        .join('')
        .split('\n')
        .filter((line) => line.trim());
    // The filing's projection and its notification hand-over have run, and the SDK said so.
    const mine = await eventually(async () => {
      const lines = linesOf().map((line) => JSON.parse(line) as LogLine);
      const closing = lines.filter((l) => l.workflowId === workflowId && l.activityType && l.msg === 'Activity completed');
      return closing.length >= 1 ? lines : undefined;
    }, 30_000);

    for (const line of linesOf()) {
      const parsed = JSON.parse(line) as LogLine;
      expect(typeof parsed.level, line).toBe('string');
      expect(typeof parsed.time, line).toBe('string');
      expect(typeof parsed.msg, line).toBe('string');
    }
    const activityLines = mine.filter((l) => l.workflowId === workflowId && l.activityType);
    // The SDK's opening line is written before the span begins; from then on each line names the trace.
    const traced = activityLines.filter((l) => l.msg !== 'Activity started');
    expect(traced.length).toBeGreaterThan(0);
    for (const line of traced) expect(line.trace_id, JSON.stringify(line)).toMatch(/^[0-9a-f]{32}$/);
    // One filing, one trace: the workflow's spans and its activities' share it.
    expect(new Set(traced.map((l) => l.trace_id)).size).toBe(1);
    const workflowLines = mine.filter((l) => l.workflowId === workflowId && !l.activityType);
    expect(workflowLines.length).toBeGreaterThan(0);

    const logs = workerOutput.join('');
    for (const value of [amine.fullName, amine.cin, amine.address, amine.phone, 'Ouazzani', amineCitizenId]) expect(logs, value).not.toContain(value);
  });
});

describe('the API\'s request log', () => {
  it('is JSON lines, each line of a request with its request id and the trace the caller began', async () => {
    // The process's context and W3C propagation, as api/server.ts registers them; no exporter.
    startTracing('mohla-api', {});
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const linesOf = async (headers: Record<string, string>) => {
      const before = apiLines.length;
      const res = await app.inject({ method: 'GET', url: '/health/live', headers });
      expect(res.statusCode).toBe(200);
      return { lines: apiLines.slice(before).map((line) => JSON.parse(line) as LogLine), id: res.headers['x-request-id'] };
    };

    const traced = await linesOf({ traceparent: `00-${traceId}-00f067aa0ba902b7-01`, 'x-request-id': 'trace-check-0001' });
    expect(traced.id).toBe('trace-check-0001');
    expect(traced.lines.map((l) => l.msg)).toEqual(['incoming request', 'request completed']);
    for (const line of traced.lines) {
      expect(line).toMatchObject({ level: 'info', reqId: 'trace-check-0001', trace_id: traceId });
      expect(line.span_id).toMatch(/^[0-9a-f]{16}$/);
      expect(typeof line.time).toBe('string');
    }

    // A request id that is not a short plain token is not taken: the API makes one.
    const unsafe = await linesOf({ 'x-request-id': 'id with spaces and <markup>' });
    expect(unsafe.id).toMatch(/^[0-9a-f-]{36}$/);
    for (const line of unsafe.lines) expect(line.reqId).toBe(unsafe.id);
  });
});
