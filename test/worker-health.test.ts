/**
 * The worker's liveness and readiness on its own port: the worker process opens the listener where
 * WORKER_HEALTH_PORT says, and docker-compose.yml's health check reads it; readiness turns 503 when the
 * Temporal worker stops polling or PostgreSQL is out of reach, while liveness keeps answering.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { openOrm } from '../db/orm.js';
import { PROJECT_ROOT } from '../infra/config.js';
import { startWorkerHealth, type WorkerHealth } from '../worker/health-listener.js';
import { freePort } from './helpers/ports.js';
import { relayPostgres, type PostgresRelay } from './helpers/postgres-relay.js';
import { createTestStack, type TestStack } from './helpers/stack.js';
import { killHard, startWorkerProcess } from './helpers/worker-process.js';

const compose = parse(readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, { healthcheck?: { test: string[] } }>;
};

/**
 * docker-compose.yml's health check of the worker, run as Docker runs it inside the container: its exit
 * code. Not synchronously, since the listener it asks may live in this very process.
 */
function composeWorkerCheck(healthPort: number): Promise<number | null> {
  const [form, ...command] = compose.services.worker?.healthcheck?.test ?? [];
  expect(form).toBe('CMD');
  const check = spawn(command[0]!, command.slice(1), { env: { ...process.env, WORKER_HEALTH_PORT: String(healthPort) }, stdio: 'ignore', timeout: 20_000 });
  return new Promise((resolve) => check.once('exit', (code) => resolve(code)));
}

interface HealthAnswer {
  status: string;
  services?: { worker: { ok: boolean; state: string }; postgres: { ok: boolean; latencyMs: number; error?: string } };
}

async function get(port: number, route: string): Promise<{ status: number; body: HealthAnswer }> {
  const res = await fetch(`http://127.0.0.1:${port}${route}`);
  return { status: res.status, body: (await res.json()) as HealthAnswer };
}

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack({ worker: false });
});
afterAll(async () => {
  await stack?.close();
});

describe('the worker process', () => {
  let child: ChildProcess | undefined;
  afterAll(async () => {
    if (child) await killHard(child);
  });

  it('answers live and ready on WORKER_HEALTH_PORT once it polls, and passes the compose health check', async () => {
    const port = await freePort();
    child = await startWorkerProcess(stack, { WORKER_HEALTH_PORT: String(port), HOST: '127.0.0.1' });
    expect(await get(port, '/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
    const ready = await get(port, '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ok', services: { worker: { ok: true, state: 'RUNNING' }, postgres: { ok: true } } });
    expect(await composeWorkerCheck(port)).toBe(0);
    expect((await fetch(`http://127.0.0.1:${port}/applications`)).status).toBe(404);

    await killHard(child);
    // Gone with its process: the check fails rather than hanging.
    expect(await composeWorkerCheck(port)).toBe(1);
  });
});

describe("the worker's health listener", () => {
  let worker: Worker;
  let postgres: PostgresRelay;
  let relayedOrm: MikroORM;
  let viaRelay: WorkerHealth;
  let direct: WorkerHealth;
  beforeAll(async () => {
    worker = await stack.startWorker();
    postgres = await relayPostgres(stack.databaseUrl);
    relayedOrm = await openOrm(postgres.url, { pool: { min: 0, max: 2 } });
    const log = () => undefined;
    viaRelay = await startWorkerHealth({ host: '127.0.0.1', port: 0, worker, orm: relayedOrm, log });
    direct = await startWorkerHealth({ host: '127.0.0.1', port: 0, worker, orm: stack.appOrm, log });
  });
  afterAll(async () => {
    await viaRelay?.close();
    await direct?.close();
    await relayedOrm?.close(true).catch(() => undefined);
    await postgres?.cut();
  });

  it('is not ready once PostgreSQL is out of reach, saying so in general terms, and stays live', async () => {
    expect((await get(viaRelay.port, '/health/ready')).status).toBe(200);
    await postgres.cut();
    const ready = await get(viaRelay.port, '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe('unready');
    expect(ready.body.services?.worker).toEqual({ ok: true, state: 'RUNNING' });
    expect(ready.body.services?.postgres.ok).toBe(false);
    expect(['does not answer in time', 'cannot be reached', 'answers with an error']).toContain(ready.body.services?.postgres.error);
    expect(JSON.stringify(ready.body)).not.toMatch(/127\.0\.0\.1|ECONN|port/i);
    expect(await composeWorkerCheck(viaRelay.port)).toBe(1);
    expect(await get(viaRelay.port, '/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('is not ready once the Temporal worker has stopped polling, and stays live', async () => {
    expect(await composeWorkerCheck(direct.port)).toBe(0);
    await stack.stopWorker();
    const ready = await get(direct.port, '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'unready', services: { worker: { ok: false, state: worker.getState() }, postgres: { ok: true } } });
    expect(ready.body.services?.worker.state).not.toBe('RUNNING');
    expect(await composeWorkerCheck(direct.port)).toBe(1);
    expect(await get(direct.port, '/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('refuses to start on a port already taken, naming the variable', async () => {
    await expect(startWorkerHealth({ host: '127.0.0.1', port: direct.port, worker, orm: stack.appOrm, log: () => undefined })).rejects.toThrow(
      /WORKER_HEALTH_PORT.*EADDRINUSE/,
    );
  });
});
