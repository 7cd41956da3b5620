/**
 * Complete applications per second, side by side: through Mohla (the API filing with an update-with-
 * start, the workflow interpreting the definition, the projections, an agent's decision as an update)
 * and through the baseline (a bare workflow started, signalled once, finished). Same clients, same
 * Temporal server, each worker in its own process. Then where Mohla's time goes: CPU per process and
 * the durations inside a sample of histories.
 */
import { performance } from 'node:perf_hooks';
import type { temporal } from '@temporalio/proto';
import { bar, distribution, ms, sleep, table, writeResult, type Distribution } from './lib.js';
import { cpuSnapshot, cpuSpent, type CpuSnapshot } from './cpu.js';
import { BENCH_OFFICE, oneTask } from './definitions.js';
import type { BenchStack, WorkerHandle } from './stack.js';

export interface ThroughputOptions {
  seconds: number;
  concurrency: number;
}

interface Side {
  completed: number;
  seconds: number;
  perSecond: number;
  /** One complete application, as its client saw it. */
  latency: Distribution;
  /** CPU seconds per application in each process family. */
  cpuPerApplication: CpuSnapshot;
}

/** Runs `one` from `concurrency` clients for `seconds`, after a short warm-up. */
async function drive(label: string, options: ThroughputOptions, pids: Record<string, number | undefined>, one: (client: number, i: number) => Promise<void>): Promise<Side> {
  for (let c = 0; c < options.concurrency; c++) await one(c, -1 - c);
  let completed = 0;
  const times: number[] = [];
  const started = performance.now();
  const ends = started + options.seconds * 1000;
  const cpuBefore = cpuSnapshot(pids);
  const progress = setInterval(() => bar(Math.min(options.seconds, Math.round((performance.now() - started) / 1000)), options.seconds, label, `s, ${completed} done`), 500);
  let counter = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async (_, client) => {
      while (performance.now() < ends) {
        const t0 = performance.now();
        await one(client, counter++);
        times.push(performance.now() - t0);
        completed += 1;
      }
    }),
  );
  clearInterval(progress);
  const seconds = (performance.now() - started) / 1000;
  bar(options.seconds, options.seconds, label, `s, ${completed} done`);
  const spent = cpuSpent(cpuBefore, cpuSnapshot(pids));
  const cpuPerApplication: CpuSnapshot = {};
  for (const [family, value] of Object.entries(spent)) cpuPerApplication[family] = (value / completed) * 1000;
  return { completed, seconds, perSecond: completed / seconds, latency: distribution(times), cpuPerApplication };
}

const eventMs = (event: temporal.api.history.v1.IHistoryEvent) => {
  const t = event.eventTime;
  return t ? Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6 : 0;
};

/** Where the time inside a history goes: workflow tasks, activities (projections), local-activity markers. */
async function historyBreakdown(stack: BenchStack, workflowIds: string[]) {
  const sums = { events: 0, workflowTasks: 0, workflowTaskMs: 0, activities: 0, activityMs: 0, localActivities: 0, updates: 0, signals: 0, totalMs: 0 };
  for (const id of workflowIds) {
    const history = await stack.client.workflow.getHandle(id).fetchHistory();
    const events = history.events ?? [];
    sums.events += events.length;
    const scheduledAt = new Map<string, number>();
    for (const e of events) {
      const id = String(e.eventId);
      if (e.workflowTaskScheduledEventAttributes || e.activityTaskScheduledEventAttributes) scheduledAt.set(id, eventMs(e));
      if (e.workflowTaskCompletedEventAttributes) {
        sums.workflowTasks += 1;
        sums.workflowTaskMs += eventMs(e) - (scheduledAt.get(String(e.workflowTaskCompletedEventAttributes.scheduledEventId)) ?? eventMs(e));
      }
      if (e.activityTaskCompletedEventAttributes) {
        sums.activities += 1;
        sums.activityMs += eventMs(e) - (scheduledAt.get(String(e.activityTaskCompletedEventAttributes.scheduledEventId)) ?? eventMs(e));
      }
      if (e.markerRecordedEventAttributes) sums.localActivities += 1;
      if (e.workflowExecutionUpdateAcceptedEventAttributes) sums.updates += 1;
      if (e.workflowExecutionSignaledEventAttributes) sums.signals += 1;
    }
    if (events.length) sums.totalMs += eventMs(events[events.length - 1]!) - eventMs(events[0]!);
  }
  const n = Math.max(1, workflowIds.length);
  return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, Number((v / n).toFixed(2))])) as typeof sums;
}

export async function runThroughput(stack: BenchStack, options: ThroughputOptions) {
  await stack.procedures.publish(oneTask(), 'bench', 'api');
  const citizen = await stack.token('citizen', 'citizen-bench');
  const agent = await stack.token('agent', 'agent-bench', [BENCH_OFFICE]);
  const temporalPid = stack.temporal.process.pid;

  // Mohla's worker and the baseline's never run at the same time: each side has the machine to itself.
  const mohlaWorker: WorkerHandle = await stack.startMohlaWorker();
  const mohlaIds: string[] = [];
  const mohla = await drive('mohla   ', options, { api: process.pid, worker: mohlaWorker.child.pid, temporal: temporalPid }, async (client, i) => {
    const filed = await stack.app.inject({
      method: 'POST',
      url: '/applications',
      headers: { authorization: `Bearer ${citizen}` },
      payload: { procedureId: 'bench-one-task', officeId: BENCH_OFFICE, data: { phone: '0600000000', email: 'citizen@example.ma', note: `client ${client}` } },
    });
    if (filed.statusCode !== 201) throw new Error(`filing → ${filed.statusCode} ${filed.body}`);
    const application = filed.json() as { trackingNumber: string; tasks: Array<{ id: string }> };
    const done = await stack.app.inject({
      method: 'POST',
      url: `/tasks/${application.tasks[0]!.id}/complete`,
      headers: { authorization: `Bearer ${agent}` },
      payload: { outcome: 'approve' },
    });
    if (done.statusCode !== 200 || done.json().status !== 'closed') throw new Error(`decision → ${done.statusCode} ${done.body}`);
    if (i >= 0 && i % 25 === 0) mohlaIds.push(application.trackingNumber);
  });
  await mohlaWorker.stop();

  const baselineQueue = `bench-baseline-${stack.id}`;
  const baselineWorker = await stack.startBaselineWorker(baselineQueue);
  const baselineIds: string[] = [];
  const baseline = await drive('baseline', options, { api: process.pid, worker: baselineWorker.child.pid, temporal: temporalPid }, async (client, i) => {
    const workflowId = `baseline-${stack.id}-${client}-${i}`;
    const handle = await stack.client.workflow.start('baselineWorkflow', { taskQueue: baselineQueue, workflowId });
    await handle.signal('decide', 'approve');
    await handle.result();
    if (i >= 0 && i % 25 === 0) baselineIds.push(workflowId);
  });
  await baselineWorker.stop();
  await sleep(100);

  const breakdown = { mohla: await historyBreakdown(stack, mohlaIds.slice(0, 40)), baseline: await historyBreakdown(stack, baselineIds.slice(0, 40)) };
  const ratio = mohla.perSecond / baseline.perSecond;

  console.log(`\nThroughput: complete applications (file → one agent task → decision), ${options.concurrency} concurrent clients, ${options.seconds} s each:`);
  console.log(
    table(
      ['', 'applications/s', 'completed', 'p50 ms', 'p99 ms'],
      [
        ['Mohla (API + engine + projections)', mohla.perSecond.toFixed(1), mohla.completed, ms(mohla.latency.p50), ms(mohla.latency.p99)],
        ['baseline (bare workflow + signal)', baseline.perSecond.toFixed(1), baseline.completed, ms(baseline.latency.p50), ms(baseline.latency.p99)],
        ['**ratio Mohla / baseline**', `**${ratio.toFixed(2)}**`, '', '', ''],
      ],
    ),
  );
  const families = [...new Set([...Object.keys(mohla.cpuPerApplication), ...Object.keys(baseline.cpuPerApplication)])];
  console.log('\nCPU milliseconds per application, by process:');
  console.log(table(['process', 'Mohla', 'baseline'], families.map((f) => [f, ms(mohla.cpuPerApplication[f] ?? NaN), ms(baseline.cpuPerApplication[f] ?? NaN)])));
  console.log('\nInside one history (mean of a sample):');
  const rows: Array<[string, keyof typeof breakdown.mohla]> = [
    ['events', 'events'],
    ['workflow tasks', 'workflowTasks'],
    ['time in workflow tasks (ms)', 'workflowTaskMs'],
    ['activities (projection writes)', 'activities'],
    ['time in activities (ms)', 'activityMs'],
    ['local activities (deadline projection)', 'localActivities'],
    ['updates / signals', 'updates'],
    ['first to last event (ms)', 'totalMs'],
  ];
  console.log(
    table(
      ['', 'Mohla', 'baseline'],
      rows.map(([label, key]) => [label, key === 'updates' ? `${breakdown.mohla.updates} / ${breakdown.mohla.signals}` : breakdown.mohla[key], key === 'updates' ? `${breakdown.baseline.updates} / ${breakdown.baseline.signals}` : breakdown.baseline[key]]),
    ),
  );
  const file = writeResult('throughput', { options, mohla, baseline, ratio, breakdown });
  console.log(`\nwritten to ${file}`);
  return { mohla, baseline, ratio, breakdown };
}
