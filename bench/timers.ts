/**
 * Legal deadlines at scale: N applications filed through the API at a steady pace over a window, each
 * with a silence-means-consent deadline of the window plus a lead, so that all N are open at once and
 * then fall due one after another at the pace they were filed, over the same window. Measures how
 * late each expiry lands — in the workflow (the closing instant it records) and in the projection (the
 * row an agent reads) — and the worker process's memory while the timers wait.
 *
 * Filing at a pace rather than as fast as possible keeps the two phases apart: the expiries begin
 * only after the last filing, so what is measured is the deadline machinery (timers firing, cached or
 * evicted workflows woken, the expiry projected), not a backlog of filings.
 */
import { performance } from 'node:perf_hooks';
import { env } from '../infra/config.js';
import { bar, distribution, ms, pool, sleep, table } from './lib.js';
import { BENCH_OFFICE, expiring } from './definitions.js';
import type { BenchStack } from './stack.js';

export interface TimersOptions {
  applications: number;
  /** How long filing lasts, and so how long the deadlines take to fall due, one after another. */
  windowSeconds: number;
  /** Between the last filing and the first deadline. */
  leadSeconds: number;
  /** Filings in flight at most, should the API answer slowly. */
  concurrency: number;
}

const duration = (seconds: number) => `PT${Math.floor(seconds / 60)}M${seconds % 60 ? `${seconds % 60}S` : ''}`;
const mib = (bytes: number) => Math.round(bytes / 2 ** 20);

/** The sizes `npm run bench` and `bench:timers` use: filed over the window, each due half a minute after the window. */
export const timersOptions = (): TimersOptions => ({
  applications: Number(env('BENCH_TIMERS')),
  windowSeconds: Number(env('BENCH_TIMERS_WINDOW')),
  leadSeconds: 30,
  concurrency: 32,
});

export async function runTimers(stack: BenchStack, options: TimersOptions) {
  const budgetSeconds = options.windowSeconds + options.leadSeconds;
  const { procedure } = await stack.procedures.publish(expiring(duration(budgetSeconds)), 'bench', 'api');
  const citizen = await stack.token('citizen', 'citizen-timers');
  const perSecond = options.applications / options.windowSeconds;
  const worker = await stack.startMohlaWorker();
  const idle = await worker.memory();
  const memory: Array<Awaited<ReturnType<typeof worker.memory>> & { at: number }> = [];
  const started = performance.now();
  const sampling = setInterval(() => {
    // Samples are not awaited: the run goes on at its pace, and memory() only resolves (or, with the child gone, never).
    void worker.memory().then((m) => memory.push({ ...m, at: (performance.now() - started) / 1000 }));
  }, 2000);

  // Each filing waits for its turn in the pace; how far behind it the API answered shows whether the
  // stack kept up with the filings themselves.
  const behindPace: number[] = [];
  await pool(
    options.applications,
    options.concurrency,
    async (i) => {
      const turn = started + (i * 1000) / perSecond;
      await sleep(turn - performance.now());
      const filed = await stack.app.inject({
        method: 'POST',
        url: '/applications',
        headers: { authorization: `Bearer ${citizen}` },
        payload: { procedureId: procedure.id, officeId: BENCH_OFFICE, data: { note: `timers ${i}` } },
      });
      if (filed.statusCode !== 201) throw new Error(`filing → ${filed.statusCode} ${filed.body}`);
      behindPace.push(performance.now() - turn);
    },
    (done) => {
      if (done % 200 === 0 || done === options.applications) bar(done, options.applications, 'filing  ');
    },
  );
  const filingSeconds = (performance.now() - started) / 1000;

  const connection = stack.orm.em.getConnection();
  const count = async (status: string) =>
    Number((await connection.execute<Array<{ n: string }>>(`select count(*) as n from application where procedure_id = 'bench-expiry' and status = ?`, [status]))[0]?.n ?? 0);
  // Give up four minutes after the last deadline rather than hang: what did not expire is reported.
  const giveUpAt = performance.now() + (budgetSeconds + 240) * 1000;
  let projectedOpen = 0;
  let closed = 0;
  for (;;) {
    [projectedOpen, closed] = await Promise.all([count('open'), count('closed')]);
    bar(closed, options.applications, 'expiries', `(${projectedOpen} open in the projection)`);
    if (closed >= options.applications || performance.now() > giveUpAt) break;
    await sleep(2000);
  }
  if (closed < options.applications) process.stderr.write('\n');
  clearInterval(sampling);
  const final = await worker.memory();
  await worker.stop();

  const rows = await connection.execute<Array<{ due_at: Date; closed_at: Date; updated_at: Date }>>(
    `select due_at, closed_at, updated_at from application where procedure_id = 'bench-expiry' and status = 'closed'`,
  );
  const inWorkflow = rows.map((r) => new Date(r.closed_at).getTime() - new Date(r.due_at).getTime());
  const inProjection = rows.map((r) => new Date(r.updated_at).getTime() - new Date(r.due_at).getTime());
  const lateness = { 'expiry recorded by the workflow': distribution(inWorkflow), 'expiry visible in the projection': distribution(inProjection) };
  const waiting = memory.filter((m) => m.at > filingSeconds && m.at < filingSeconds + options.leadSeconds);
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

  const pace = distribution(behindPace);
  // The first deadline falls due a budget after the first filing: past the last one only if filing kept up.
  const phases = filingSeconds < budgetSeconds ? 'all open at once, then falling due' : 'the first falling due before the last was filed, then all';
  console.log(
    `\nTimers at scale on the Temporal ${stack.temporal.label}: ${options.applications} applications filed through the API at ${perSecond.toFixed(1)}/s for ${options.windowSeconds} s ` +
      `(done after ${filingSeconds.toFixed(0)} s; answered p50 ${ms(pace.p50)} ms, p99 ${ms(pace.p99)} ms after their turn), ` +
      `each with a deadline of ${duration(budgetSeconds)}, action autoApprove: ${phases} at ${perSecond.toFixed(1)}/s. ` +
      `${closed} of ${options.applications} expired${closed < options.applications ? ' before the benchmark gave up' : ''}:`,
  );
  console.log(table(['lateness after the due instant', 'p50 ms', 'p99 ms', 'max ms'], Object.entries(lateness).map(([k, d]) => [k, ms(d.p50), ms(d.p99), ms(d.max)])));
  console.log('\nWorker process memory:');
  console.log(
    table(
      ['', 'MiB'],
      [
        ['RSS before filing', memoryReport.idleRssMiB],
        ['RSS, peak while all the timers wait', memoryReport.waitingRssMiB],
        ['RSS, peak', memoryReport.peakRssMiB],
        ['V8 heap used, peak', memoryReport.peakHeapUsedMiB],
        ['workflows in the worker cache, most seen', memoryReport.maxCachedWorkflowsSeen],
      ],
    ),
  );
  const file = stack.writeResult('timers', { options, perSecond, filingSeconds, filingBehindPace: pace, expired: closed, lateness, memory: memoryReport });
  console.log(`\nwritten to ${file}`);
  return { filingSeconds, expired: closed, lateness, memory: memoryReport };
}
