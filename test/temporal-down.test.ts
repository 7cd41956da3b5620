/**
 * Temporal stopped for real (a dev server this test starts on its own database file): writes answer 503
 * with Retry-After instead of a 500 after the SDK's twenty seconds of retries, reads from PostgreSQL keep
 * working, and once Temporal is back the same requests go through.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, expect, it } from 'vitest';
import { applicationAnswer, problemAnswer, taskAnswer } from './helpers/answers.js';
import type { LightMyRequestResponse } from 'fastify';
import { ensureTemporalCli } from '../infra/temporal-cli.js';
import { startDevServer, type DevServer } from '../infra/temporal-server.js';
import { searchAttributes } from '../workflows/search-attributes.js';
import { freePort } from './helpers/ports.js';
import { createTestStack, eventually, people, type TestStack } from './helpers/stack.js';
import { killHard, startWorkerProcess } from './helpers/worker-process.js';

const form = { fullName: 'Nadia Alaoui', cin: 'FJ445566', address: '8 rue Ibn Sina, Berkane' };

let server: DevServer | undefined;
let stack: TestStack | undefined;
let worker: ChildProcess | undefined;

afterAll(async () => {
  if (worker) await killHard(worker);
  await stack?.close();
  await server?.stop();
});

function expectUnavailable(res: LightMyRequestResponse) {
  expect(res.statusCode, res.body).toBe(503);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  expect(res.json()).toEqual(problemAnswer({ status: 503, code: 'service_unavailable' }));
}

// The test's own timeout is the bound: with the SDK's default retries each write took about 20 s.
it('with Temporal down, writes answer 503 with Retry-After and reads still answer', { timeout: 45_000 }, async () => {
  const cli = await ensureTemporalCli({ log: () => undefined });
  const port = await freePort();
  const dbFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'mohla-temporal-down-')), 'temporal.db');
  server = await startDevServer({ cli: cli.path, port, dbFile, searchAttributes });
  stack = await createTestStack({ worker: false, temporalAddress: server.address });
  worker = await startWorkerProcess(stack);
  const { citizen, agent, office } = await people(stack, `annex-down-${stack.id}`);
  const file = () => citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', officeId: office, data: form } });
  const filed = (await file()).json() as { trackingNumber: string; tasks: Array<{ id: string }> };

  await server.stop();
  expectUnavailable(await file());
  expectUnavailable(await agent({ method: 'POST', url: `/tasks/${filed.tasks[0]!.id}/claim` }));
  expectUnavailable(await citizen({ method: 'POST', url: `/applications/${filed.trackingNumber}/withdraw`, payload: { reason: 'moving away' } }));
  // Reads come from PostgreSQL's projections.
  expect((await citizen({ method: 'GET', url: `/applications/${filed.trackingNumber}` })).json()).toEqual(applicationAnswer({ status: 'open' }));
  expect((await agent({ method: 'GET', url: '/tasks' })).json().tasks).toHaveLength(1);

  server = await startDevServer({ cli: cli.path, port, dbFile, searchAttributes });
  const claimed = await eventually(async () => {
    const res = await agent({ method: 'POST', url: `/tasks/${filed.tasks[0]!.id}/claim` });
    return res.statusCode === 200 ? (res.json() as { tasks: Array<{ status: string }> }) : undefined;
  }, 30_000);
  expect(claimed).toEqual(applicationAnswer());
  expect(claimed.tasks[0]).toEqual(taskAnswer({ status: 'claimed' }));
});
