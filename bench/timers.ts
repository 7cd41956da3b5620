/**
 * Legal deadlines at scale: N open applications whose silence-means-consent deadlines (exact ISO
 * durations, spread over a window) expire within minutes. Measures how late each expiry lands — in
 * the workflow (the closing instant it records) and in the projection (the row an agent reads) — and
 * the worker process's memory while the timers wait.
 *
 * Filing goes straight to Temporal (the same workflow start the API makes, without the API waiting for
 * the filing's projection): through the API one filing costs a full round trip through the worker, so
 * 20,000 would take longer than the deadlines being measured. The worker still interprets every
 * filing, computes every deadline and writes every projection, as it would for API filings.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { TypedSearchAttributes } from '@temporalio/common';
import type { ApplicationInput, PinnedProcedure } from '../engine/application.js';
import { trackingNumberFromBytes } from '../engine/tracking-number.js';
import { PROCEDURE_WORKFLOW, WORKFLOW_VERSION } from '../workflows/messages.js';
import { searchAttributes } from '../workflows/search-attributes.js';
import { bar, distribution, ms, pool, sleep, table, writeResult } from './lib.js';
import { BENCH_OFFICE, expiring } from './definitions.js';
import type { BenchStack } from './stack.js';

export interface TimersOptions {
  applications: number;
  /** Shortest and longest deadline, in seconds from filing. */
  minSeconds: number;
  maxSeconds: number;
  /** How many different budgets spread the expiries between the two. */
  steps: number;
  concurrency: number;
}

const duration = (seconds: number) => `PT${Math.floor(seconds / 60)}M${seconds % 60 ? `${seconds % 60}S` : ''}`;
const mib = (bytes: number) => Math.round(bytes / 2 ** 20);

/** Deadlines from three to five minutes after filing, in nine budgets; filed 32 at a time. */
export const TIMER_WINDOW = { minSeconds: 180, maxSeconds: 300, steps: 9, concurrency: 32 } as const;

export async function runTimers(stack: BenchStack, options: TimersOptions) {
  const procedures: PinnedProcedure[] = [];
  for (let s = 0; s < options.steps; s++) {
    const seconds = Math.round(options.minSeconds + ((options.maxSeconds - options.minSeconds) * s) / Math.max(1, options.steps - 1));
    procedures.push((await stack.procedures.publish(expiring(s, duration(seconds)), 'bench', 'api')).procedure);
  }
  const taskQueue = `bench-timers-${stack.id}`;
  const worker = await stack.startMohlaWorker(taskQueue);
  const idle = await worker.memory();
  const memory: Array<Awaited<ReturnType<typeof worker.memory>> & { at: number }> = [];
  const started = performance.now();
  const sampling = setInterval(() => {
    void worker.memory().then((m) => memory.push({ ...m, at: (performance.now() - started) / 1000 }));
  }, 2000);

  await pool(
    options.applications,
    options.concurrency,
    async (i) => {
      const procedure = procedures[i % procedures.length]!;
      const trackingNumber = trackingNumberFromBytes(randomBytes(8));
      const input: ApplicationInput = {
        trackingNumber,
        procedure,
        officeId: BENCH_OFFICE,
        data: {},
        citizen: `citizen-timers-${i}`,
        filedBy: `citizen-timers-${i}`,
        filedAt: new Date().toISOString(),
        workflowVersion: WORKFLOW_VERSION,
      };
      await stack.client.workflow.start(PROCEDURE_WORKFLOW, {
        workflowId: trackingNumber,
        taskQueue,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: new TypedSearchAttributes([
          { key: searchAttributes.procedure, value: procedure.id },
          { key: searchAttributes.procedureVersion, value: procedure.version },
          { key: searchAttributes.office, value: BENCH_OFFICE },
          { key: searchAttributes.status, value: 'open' },
          { key: searchAttributes.trackingNumber, value: trackingNumber },
        ]),
      });
    },
    (done) => {
      if (done % 200 === 0 || done === options.applications) bar(done, options.applications, 'filing  ');
    },
  );
  const filingSeconds = (performance.now() - started) / 1000;

  const connection = stack.orm.em.getConnection();
  const count = async (status: string) =>
    Number((await connection.execute<Array<{ n: string }>>(`select count(*) as n from application where procedure_id like 'bench-expiry-%' and status = ?`, [status]))[0]?.n ?? 0);
  // Give up a few minutes after the last deadline rather than hang: what did not expire is reported.
  const giveUpAt = performance.now() + (options.maxSeconds + 240) * 1000;
  let projectedOpen = 0;
  let closed = 0;
  let lastFiledProjectedAt: number | undefined;
  for (;;) {
    [projectedOpen, closed] = await Promise.all([count('open'), count('closed')]);
    if (lastFiledProjectedAt === undefined && projectedOpen + closed >= options.applications) lastFiledProjectedAt = (performance.now() - started) / 1000;
    bar(closed, options.applications, 'expiries', `(${projectedOpen} open in the projection)`);
    if (closed >= options.applications || performance.now() > giveUpAt) break;
    await sleep(2000);
  }
  if (closed < options.applications) process.stderr.write('\n');
  clearInterval(sampling);
  const final = await worker.memory();
  await worker.stop();

  const rows = await connection.execute<Array<{ due_at: Date; closed_at: Date; updated_at: Date; granted_by_silence: boolean }>>(
    `select due_at, closed_at, updated_at, granted_by_silence from application where procedure_id like 'bench-expiry-%' and status = 'closed'`,
  );
  const inWorkflow = rows.map((r) => new Date(r.closed_at).getTime() - new Date(r.due_at).getTime());
  const inProjection = rows.map((r) => new Date(r.updated_at).getTime() - new Date(r.due_at).getTime());
  const lateness = { 'expiry recorded by the workflow': distribution(inWorkflow), 'expiry visible in the projection': distribution(inProjection) };
  const waiting = memory.filter((m) => m.at > filingSeconds);
  const peak = (key: 'rss' | 'heapUsed' | 'cachedWorkflows', from = memory) => from.reduce((max, m) => Math.max(max, m[key]), 0);
  const memoryReport = {
    idleRssMiB: mib(idle.rss),
    peakRssMiB: mib(peak('rss')),
    peakHeapUsedMiB: mib(peak('heapUsed')),
    waitingRssMiB: mib(peak('rss', waiting)),
    maxCachedWorkflowsSeen: peak('cachedWorkflows'),
    finalRssMiB: mib(final.rss),
    samples: memory.map((m) => ({ at: Number(m.at.toFixed(1)), rssMiB: mib(m.rss), heapUsedMiB: mib(m.heapUsed), cached: m.cachedWorkflows })),
  };

  console.log(
    `\nTimers at scale: ${options.applications} applications filed in ${filingSeconds.toFixed(0)} s (${(options.applications / filingSeconds).toFixed(0)}/s, ` +
      `straight to Temporal, ${options.concurrency} at a time), all projected after ${lastFiledProjectedAt?.toFixed(0) ?? '—'} s; ` +
      `deadlines ${duration(options.minSeconds)}–${duration(options.maxSeconds)} (${options.steps} budgets), action autoApprove. ` +
      `${closed} of ${options.applications} expired${closed < options.applications ? ' before the benchmark gave up' : ''}:`,
  );
  console.log(table(['lateness after the due instant', 'p50 ms', 'p99 ms', 'max ms'], Object.entries(lateness).map(([k, d]) => [k, ms(d.p50), ms(d.p99), ms(d.max)])));
  console.log('\nWorker process memory:');
  console.log(
    table(
      ['', 'MiB'],
      [
        ['RSS before filing', memoryReport.idleRssMiB],
        ['RSS, peak while the timers wait', memoryReport.waitingRssMiB],
        ['RSS, peak', memoryReport.peakRssMiB],
        ['V8 heap used, peak', memoryReport.peakHeapUsedMiB],
        ['workflows in the worker cache, most seen', memoryReport.maxCachedWorkflowsSeen],
      ],
    ),
  );
  const file = writeResult('timers', { options, filingSeconds, projectedAfterSeconds: lastFiledProjectedAt, expired: closed, lateness, memory: memoryReport });
  console.log(`\nwritten to ${file}`);
  return { filingSeconds, expired: closed, lateness, memory: memoryReport };
}
