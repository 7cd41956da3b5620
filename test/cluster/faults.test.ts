/**
 * Faults on the production shape, each in the middle of a burst of 100 filings and decisions made through
 * two API processes: one of the two Mohla workers, Temporal's history, matching and frontend services,
 * and the cluster's own PostgreSQL are killed with SIGKILL, then started again a few seconds later.
 * Afterwards every filing the API accepted exists exactly once, every decision was applied once, no
 * notification was queued twice, the read model agrees with the workflows and the audit log verifies.
 */
import type { ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyId } from '../../audit/signing-key.js';
import { verifyAuditLog } from '../../audit/verify.js';
import { query } from '../../db/sql.js';
import type { ApplicationState } from '../../engine/interpreter/state.js';
import { bearer, createTestStack, tokenFor, type TestStack } from '../helpers/stack.js';
import { killHard, startWorkerProcess } from '../helpers/worker-process.js';
import { startScratchCluster, type ScratchCluster } from '../../infra/scratch-cluster.js';
import { searchAttributes } from '../../workflows/search-attributes.js';

const OFFICE = 'annex-berkane-1';
const BURST = 100;
const LANES = 10;
const form = { fullName: 'Rachid Bennani', cin: 'FG102030', address: 'Hay Nasr, Berkane' };

let cluster: ScratchCluster;
let stack: TestStack;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  // A cluster of this file's own: its processes are the ones killed here.
  cluster = await startScratchCluster(() => undefined, { searchAttributes });
  stack = await createTestStack({ worker: false, temporalAddress: cluster.address });
  workers.push(await startWorkerProcess(stack), await startWorkerProcess(stack));
});

afterAll(async () => {
  await Promise.all(workers.map(killHard));
  await stack?.close();
  await cluster?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Progress {
  successes: number[];
  retries: number;
}

/** A client that meets a fault: it retries the same request (the same Idempotency-Key) until it is answered. */
async function persist<T>(progress: Progress, call: () => Promise<{ statusCode: number; json(): T; body: string }>): Promise<T> {
  const deadline = Date.now() + 240_000;
  let last = '';
  for (;;) {
    try {
      const res = await call();
      if (res.statusCode === 200 || res.statusCode === 201) {
        progress.successes.push(Date.now());
        return res.json();
      }
      last = `${res.statusCode} ${res.body.slice(0, 300)}`;
    } catch (err) {
      last = String(err);
    }
    if (Date.now() > deadline) throw new Error(`still failing after four minutes: ${last}`);
    progress.retries += 1;
    await sleep(250);
  }
}

interface Fault {
  name: string;
  kill(): Promise<void>;
  restart(): Promise<void>;
}

interface BurstReport {
  fault: string;
  filed: number;
  decided: number;
  retries: number;
  stalledSeconds: number;
  recoverySeconds: number;
  applications: number;
  duplicates: number;
  completions: number;
  notifications: number;
  duplicateNotifications: number;
}

async function burst(fault: Fault): Promise<BurstReport> {
  const progress: Progress = { successes: [], retries: 0 };
  const agent = bearer(await tokenFor('agent', `agent-faults-${stack.id}`, [OFFICE]));
  const label = `${fault.name}-${stack.id}`;
  let faultDone: Promise<{ killedAt: number; restartedAt: number }> | undefined;
  let next = 0;
  const trackingNumbers: string[] = [];
  const lane = async () => {
    for (let i = next++; i < BURST; i = next++) {
      // One person per filing: filing is rate limited per person, as at a real counter.
      const citizen = bearer(await tokenFor('citizen', `citizen-${label}-${i}`));
      const filed = await persist<{ trackingNumber: string; tasks: Array<{ id: string }> }>(progress, () =>
        stack.request({
          method: 'POST',
          url: '/applications',
          headers: { ...citizen, 'idempotency-key': `faults-${label}-${String(i).padStart(4, '0')}` },
          payload: { procedureId: 'residence-certificate', officeId: OFFICE, data: form },
        }),
      );
      trackingNumbers.push(filed.trackingNumber);
      if (i === BURST / 4 && !faultDone) {
        faultDone = (async () => {
          const killedAt = Date.now();
          await fault.kill();
          await sleep(3000);
          await fault.restart();
          return { killedAt, restartedAt: Date.now() };
        })();
      }
      await persist(progress, () => stack.request({ method: 'POST', url: `/tasks/${filed.tasks[0]!.id}/complete`, headers: agent, payload: { outcome: 'approve' } }));
    }
  };
  await Promise.all(Array.from({ length: LANES }, lane));
  const { killedAt, restartedAt } = await faultDone!;

  const citizens = Array.from({ length: BURST }, (_, i) => `citizen-${label}-${i}`);
  const count = async (sql: string, values: unknown[]) => Number((await query<{ n: string }>(stack.orm, sql, values))[0]?.n ?? 0);
  const applications = await count('select count(*) as n from application where citizen = any($1::text[])', [citizens]);
  const closed = await count("select count(*) as n from application where citizen = any($1::text[]) and status = 'closed' and outcome = 'approved'", [citizens]);
  const completions = await count("select count(*) as n from timeline_entry where tracking_number = any($1::text[]) and kind = 'taskCompleted'", [trackingNumbers]);
  const notifications = await count('select count(*) as n from notification where tracking_number = any($1::text[])', [trackingNumbers]);
  const distinct = await count('select count(distinct key) as n from notification where tracking_number = any($1::text[])', [trackingNumbers]);
  // The read model converges on the workflows: each row at the revision its workflow closed with.
  for (const tn of trackingNumbers) {
    const state = (await stack.client.workflow.getHandle(tn).result()) as ApplicationState;
    const [row] = await query<{ revision: number; status: string }>(stack.orm, 'select revision, status from application where tracking_number = $1', [tn]);
    expect(row, tn).toMatchObject({ revision: state.revision, status: 'closed' });
  }
  const after = progress.successes.filter((t) => t >= restartedAt);
  const around = progress.successes.filter((t) => t >= killedAt - 5000).sort((a, b) => a - b);
  const gaps = around.slice(1).map((t, i) => t - around[i]!);
  return {
    fault: fault.name,
    filed: new Set(trackingNumbers).size,
    decided: closed,
    retries: progress.retries,
    stalledSeconds: Math.round(Math.max(0, ...gaps) / 100) / 10,
    recoverySeconds: after.length ? Math.round((Math.min(...after) - restartedAt) / 100) / 10 : Number.NaN,
    applications,
    duplicates: applications - new Set(trackingNumbers).size,
    completions,
    notifications,
    duplicateNotifications: notifications - distinct,
  };
}

function expectNothingLostOrDoubled(report: BurstReport): void {
  // The counts, for whoever reads the test output (kept there by the cluster tier's run).
  console.log(`[fault ${report.fault}] ${JSON.stringify(report)}`);
  expect(report).toMatchObject({
    filed: BURST,
    decided: BURST,
    applications: BURST,
    duplicates: 0,
    completions: BURST,
    // Filed and decided: two messages an application, each key once.
    notifications: 2 * BURST,
    duplicateNotifications: 0,
  });
}

function serviceFault(service: 'history' | 'matching' | 'frontend'): Fault {
  const target = () => cluster.processes[service];
  return { name: service, kill: () => target().kill(), restart: async () => target().start() };
}

describe('faults on the cluster, in the middle of a burst of 100 filings and decisions', () => {
  it('one of the two Mohla workers killed: the other carries on, the restarted one joins', async () => {
    const report = await burst({
      name: 'worker',
      kill: () => killHard(workers[0]!),
      restart: async () => {
        workers[0] = await startWorkerProcess(stack);
      },
    });
    expectNothingLostOrDoubled(report);
  });

  for (const service of ['history', 'matching', 'frontend'] as const) {
    it(`Temporal's ${service} service killed and restarted`, async () => {
      expectNothingLostOrDoubled(await burst(serviceFault(service)));
    });
  }

  it("the cluster's PostgreSQL killed and restarted", async () => {
    expectNothingLostOrDoubled(await burst({ name: 'postgres', kill: () => cluster.postgres.kill(), restart: () => cluster.postgres.start() }));
  });

  it('leaves an audit log that verifies, chain and timelines', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const keys = { signing: { id: keyId(publicKey), privateKey }, trusted: new Map([[keyId(publicKey), publicKey]]) };
    const result = await verifyAuditLog(stack.orm, { checkpointDir: mkdtempSync(path.join(os.tmpdir(), 'mohla-no-checkpoints-')), keys });
    expect(result.problem).toBeUndefined();
    expect(result.checked).toBeGreaterThan(5 * BURST);
  });
});
