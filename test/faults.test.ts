/**
 * Faults, injected for real and bounded in time: a worker killed with work in flight, the API killed in
 * the middle of a filing, PostgreSQL connections cut during projection writes, and the Temporal server
 * restarted. Each time, nothing is lost and nothing happens twice.
 */
import path from 'node:path';
import os from 'node:os';
import { mkdtempSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { applicationAnswer } from './helpers/answers.js';
import { Application, Notification, Task } from '../db/entities.js';
import type { ApplicationState } from '../engine/interpreter/state.js';
import { ensureTemporalCli } from '../infra/temporal-cli.js';
import { startDevServer } from '../infra/temporal-server.js';
import { searchAttributes } from '../workflows/search-attributes.js';
import { applicationStatus } from '../workflows/messages.js';
import { freePort } from './helpers/ports.js';
import { createTestStack, eventually, people, tokenFor, type TestStack } from './helpers/stack.js';
import { killHard, startApiProcess, startWorkerProcess } from './helpers/worker-process.js';

const form = { fullName: 'Rachid Bennani', cin: 'FG102030', address: 'Hay Nasr, Berkane' };
const children: ChildProcess[] = [];
const stacks: TestStack[] = [];

afterAll(async () => {
  await Promise.all(children.map(killHard));
  for (const stack of stacks) await stack.close();
});

async function newStack(options: Parameters<typeof createTestStack>[0] = {}) {
  const stack = await createTestStack(options);
  stacks.push(stack);
  return stack;
}

async function track<T extends ChildProcess>(child: Promise<T>): Promise<T> {
  const started = await child;
  children.push(started);
  return started;
}

/** Retries a call that may meet a fault (a cut connection answers 500); the calls are idempotent. */
async function persist<T>(call: () => Promise<{ statusCode: number; json(): T; body: string }>, ok = [200, 201]): Promise<T> {
  let last = '';
  for (let attempt = 0; attempt < 40; attempt++) {
    const res = await call();
    if (ok.includes(res.statusCode)) return res.json();
    last = `${res.statusCode} ${res.body}`;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`still failing: ${last}`);
}

describe('faults', () => {
  it('a worker killed with 50 applications in flight: all finish, each task once in the inbox, each notification once', async () => {
    const stack = await newStack({ worker: false });
    const { citizen, agent, office } = await people(stack, `annex-kill50-${stack.id}`);
    await track(startWorkerProcess(stack));
    const filed = await Promise.all(
      Array.from({ length: 50 }, () => persist(() => citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', officeId: office, data: form } })) as Promise<{ trackingNumber: string; tasks: Array<{ id: string }> }>),
    );
    const completions = filed.map((f, i) =>
      persist(() => agent({ method: 'POST', url: `/tasks/${f.tasks[0]!.id}/complete`, payload: { outcome: i % 2 ? 'approve' : 'reject' } })),
    );
    await new Promise((r) => setTimeout(r, 150));
    await killHard(children.at(-1)!);
    await track(startWorkerProcess(stack));
    await Promise.all(completions);

    const em = stack.orm.em.fork();
    const trackingNumbers = filed.map((f) => f.trackingNumber);
    const apps = await em.find(Application, { trackingNumber: { $in: trackingNumbers } });
    expect(apps).toHaveLength(50);
    expect(apps.every((a) => a.status === 'closed')).toBe(true);
    const tasks = await em.find(Task, { trackingNumber: { $in: trackingNumbers } });
    expect(tasks).toHaveLength(50);
    expect(new Set(tasks.map((t) => t.trackingNumber)).size).toBe(50);
    for (const f of filed) {
      const state = (await stack.client.workflow.getHandle(f.trackingNumber).result()) as ApplicationState;
      expect(Object.keys(state.tasks)).toHaveLength(1);
    }
    const notifications = await em.find(Notification, { trackingNumber: { $in: trackingNumbers } });
    // Filed and decided: two messages an application, each key once.
    expect(notifications).toHaveLength(100);
    expect(new Set(notifications.map((n) => n.key)).size).toBe(100);
  });

  it('the API killed in the middle of a filing: the retry with the same Idempotency-Key finds the one application', async () => {
    const stack = await newStack();
    const port = await freePort();
    let api = await track(startApiProcess(stack, port));
    const token = await tokenFor('citizen', `citizen-restart-${stack.id}`);
    const request = () =>
      fetch(`http://127.0.0.1:${port}/applications`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `restart-${stack.id}-000001` },
        body: JSON.stringify({ procedureId: 'residence-certificate', officeId: 'annex-berkane-1', data: form }),
      });
    const interrupted = request().catch((err: Error) => err);
    await new Promise((r) => setTimeout(r, 30));
    await killHard(api);
    expect(await interrupted).toBeDefined();
    api = await track(startApiProcess(stack, port));
    const retried = await request();
    expect([200, 201]).toContain(retried.status);
    const body = (await retried.json()) as { trackingNumber: string };
    const again = (await (await request()).json()) as { trackingNumber: string };
    expect(again.trackingNumber).toBe(body.trackingNumber);
    expect(await stack.orm.em.fork().count(Application, { citizen: `citizen-restart-${stack.id}` })).toBe(1);
    const runs: string[] = [];
    for await (const wf of stack.client.workflow.list({ query: `WorkflowId = '${body.trackingNumber}'` })) runs.push(wf.runId);
    expect(runs.length).toBeLessThanOrEqual(1);
    await killHard(api);
  });

  // Connections are cut every 20 ms: on two busy cores the retries take a while to get through.
  it('PostgreSQL connections cut during projection writes: the projections converge on the workflows', async () => {
    const stack = await newStack();
    const { citizen, agent, office } = await people(stack, `annex-pgcut-${stack.id}`);
    const dbName = new URL(stack.databaseUrl).pathname.slice(1);
    const sql = (text: string) => stack.orm.em.fork().getConnection().execute(text);
    // A projection is one statement of a few milliseconds: slowed down here so that the cuts find some.
    await sql(`create function slow_projection() returns trigger language plpgsql as $$ begin perform pg_sleep(0.03); return null; end $$`);
    await sql('create trigger slow_projection before insert on timeline_entry for each statement execute function slow_projection()');
    let cutting = true;
    let cuts = 0;
    const cutter = (async () => {
      // A few cuts: a projection cut at every retry would back off past the test's time.
      while (cutting && cuts < 4) {
        // The cutter spares its own connection. A projection is cut while its statement runs, other
        // writes between their statements; one connection at a time, so that retries get through.
        const cut = await stack.orm.em.fork().getConnection().execute(
          `select pg_terminate_backend(pid) from (
             select pid from pg_stat_activity where datname = ? and pid <> pg_backend_pid()
                and (state = 'idle in transaction' or (state = 'active' and query like 'with%application_row as (insert into application %'))
              limit 1) as victim`,
          [dbName],
        ).catch(() => []);
        cuts += (cut as unknown[]).length;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const filed = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        persist(() => citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', officeId: office, data: form }, headers: { 'idempotency-key': `pgcut-${stack.id}-${i}-0000` } })) as Promise<{ trackingNumber: string; tasks: Array<{ id: string }> }>,
      ),
    );
    await Promise.all(filed.map((f) => persist(() => agent({ method: 'POST', url: `/tasks/${f.tasks[0]!.id}/complete`, payload: { outcome: 'approve' } }))));
    cutting = false;
    await cutter;
    await sql('drop trigger slow_projection on timeline_entry');
    expect(cuts).toBeGreaterThan(0);
    for (const f of filed) {
      const state = (await stack.client.workflow.getHandle(f.trackingNumber).query(applicationStatus)) as ApplicationState;
      const row = await eventually(async () => {
        const app = await stack.orm.em.fork().findOne(Application, { trackingNumber: f.trackingNumber });
        return app && app.revision === state.revision ? app : undefined;
      });
      expect(row).toMatchObject({ status: 'closed', outcome: 'approved' });
    }
  }, 120_000);

  it('the Temporal server restarted with its database: applications carry on', async () => {
    const cli = await ensureTemporalCli({ log: () => undefined });
    const port = await freePort();
    const dbFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'mohla-temporal-')), 'temporal.db');
    let server = await startDevServer({ cli: cli.path, port, dbFile, searchAttributes });
    const stack = await newStack({ worker: false, temporalAddress: server.address });
    const { citizen, agent, office } = await people(stack, `annex-restart-temporal-${stack.id}`);
    await track(startWorkerProcess(stack));
    const filed = (await citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', officeId: office, data: form } })).json();
    await server.stop();
    server = await startDevServer({ cli: cli.path, port, dbFile, searchAttributes });
    try {
      const done = await persist(() => agent({ method: 'POST', url: `/tasks/${filed.tasks[0].id}/complete`, payload: { outcome: 'approve' } }));
      expect(done).toEqual(applicationAnswer({ status: 'closed', outcome: 'approved' }));
    } finally {
      stacks.splice(stacks.indexOf(stack), 1);
      await stack.close();
      await server.stop();
    }
  });
});
