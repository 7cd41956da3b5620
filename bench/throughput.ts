/**
 * Complete applications per second, side by side: through Mohla (the API filing with an update-with-
 * start, the workflow interpreting the definition, the projections, an agent's decision as an update)
 * and through the baseline (a bare workflow filed with an update-with-start, signalled once, finished),
 * and for reference the bare workflow signalled before it first runs. Same clients, same Temporal
 * server, each worker in its own process, the sides taking turns. Then where Mohla's time goes: CPU per
 * process and the durations inside a sample of histories.
 */
import { performance } from 'node:perf_hooks';
import { WithStartWorkflowOperation } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { bar, distribution, ms, sleep, table, type Distribution } from './lib.js';
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

/** One way of completing applications, and what it has measured so far. */
interface Load {
  label: string;
  /** The processes whose CPU it is charged: its client (the API), its worker, the Temporal server. */
  pids: Record<string, number | undefined>;
  /** Charged with their children: the Temporal cluster's PostgreSQL. */
  trees: Record<string, number | undefined>;
  one: (client: number, i: number) => Promise<void>;
  completed: number;
  seconds: number;
  times: number[];
  cpu: CpuSnapshot;
  counter: number;
}

function load(label: string, pids: Load['pids'], trees: Load['trees'], one: Load['one']): Load {
  return { label, pids, trees, one, completed: 0, seconds: 0, times: [], cpu: {}, counter: 0 };
}

/** Runs `load` from `concurrency` clients for `seconds`, adding what it measured to its totals. */
async function slice(load: Load, seconds: number, concurrency: number, progress: () => void): Promise<void> {
  const started = performance.now();
  const ends = started + seconds * 1000;
  const cpuBefore = cpuSnapshot(load.pids, load.trees);
  const ticker = setInterval(progress, 500);
  await Promise.all(
    Array.from({ length: concurrency }, async (_, client) => {
      while (performance.now() < ends) {
        const t0 = performance.now();
        await load.one(client, load.counter++);
        load.times.push(performance.now() - t0);
        load.completed += 1;
      }
    }),
  );
  clearInterval(ticker);
  load.seconds += (performance.now() - started) / 1000;
  for (const [family, value] of Object.entries(cpuSpent(cpuBefore, cpuSnapshot(load.pids, load.trees)))) load.cpu[family] = (load.cpu[family] ?? 0) + value;
}

/** How many turns each side takes: about ten seconds each. */
const turnsIn = (seconds: number) => Math.max(1, Math.round(seconds / 10));

/**
 * Gives every load `options.seconds` in all, in turns of about ten seconds each: this machine's speed
 * drifts from minute to minute (a virtual machine on shared hardware), and taking turns lets the drift
 * fall on every side alike instead of on whichever ran last.
 */
async function interleave<T extends Load[]>(loads: [...T], options: ThroughputOptions): Promise<{ [K in keyof T]: Side }> {
  for (const l of loads) for (let c = 0; c < options.concurrency; c++) await l.one(c, -1 - c);
  const turns = turnsIn(options.seconds);
  const total = options.seconds * loads.length;
  const begun = performance.now();
  const progress = (done = Math.min(total, Math.round((performance.now() - begun) / 1000))) =>
    bar(done, total, 'throughput', `s, ${loads.map((l) => `${l.label} ${l.completed}`).join(', ')}`);
  for (let turn = 0; turn < turns; turn++) {
    for (const l of loads) await slice(l, options.seconds / turns, options.concurrency, () => progress());
  }
  progress(total);
  return loads.map((l) => {
    const cpuPerApplication: CpuSnapshot = {};
    for (const [family, value] of Object.entries(l.cpu)) cpuPerApplication[family] = (value / l.completed) * 1000;
    return { completed: l.completed, seconds: l.seconds, perSecond: l.completed / l.seconds, latency: distribution(l.times), cpuPerApplication };
  }) as { [K in keyof T]: Side };
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
  const { processes: temporal, processTrees: trees } = stack.temporal;

  // Both workers run throughout, each in its own process; only one side is driven at a time, so each
  // side has the machine to itself while it is measured (the other's worker only waits on its polls).
  const mohlaWorker: WorkerHandle = await stack.startMohlaWorker();
  const baselineQueue = `bench-baseline-${stack.id}`;
  const baselineWorker = await stack.startBaselineWorker(baselineQueue);
  const mohlaPids = { api: process.pid, worker: mohlaWorker.child.pid, ...temporal };
  const baselinePids = { api: process.pid, worker: baselineWorker.child.pid, ...temporal };
  const mohlaIds: string[] = [];
  const baselineIds: string[] = [];
  const [mohla, baseline, atOnce] = await interleave(
    [
      load('Mohla', mohlaPids, trees, async (client, i) => {
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
      }),
      // The baseline files with an update-with-start answered once the workflow holds its task, then
      // signals the decision: two workflow tasks, as an application has.
      load('baseline', baselinePids, trees, async (client, i) => {
        const workflowId = `baseline-${stack.id}-${client}-${i}`;
        const filing = new WithStartWorkflowOperation('baselineWorkflow', { taskQueue: baselineQueue, workflowId, workflowIdConflictPolicy: 'FAIL' });
        await stack.client.workflow.executeUpdateWithStart('file', { startWorkflowOperation: filing });
        const handle = await filing.workflowHandle();
        await handle.signal('decide', 'approve');
        await handle.result();
        if (i >= 0 && i % 25 === 0) baselineIds.push(workflowId);
      }),
      // For reference, the same workflow signalled before its first workflow task runs: Temporal then
      // hands the start and the decision over in one workflow task, a shape no agent can produce.
      load('at once', baselinePids, trees, async (client, i) => {
        const handle = await stack.client.workflow.start('baselineWorkflow', { taskQueue: baselineQueue, workflowId: `at-once-${stack.id}-${client}-${i}` });
        await handle.signal('decide', 'approve');
        await handle.result();
      }),
    ],
    options,
  );
  await mohlaWorker.stop();
  await baselineWorker.stop();
  await sleep(100);

  const breakdown = { mohla: await historyBreakdown(stack, mohlaIds.slice(0, 40)), baseline: await historyBreakdown(stack, baselineIds.slice(0, 40)) };
  const ratio = mohla.perSecond / baseline.perSecond;
  const ratioAtOnce = mohla.perSecond / atOnce.perSecond;

  console.log(
    `\nThroughput on the Temporal ${stack.temporal.label}: complete applications (file → one agent task → decision), ${options.concurrency} concurrent clients, ` +
      `${options.seconds} s each in turns of ${(options.seconds / turnsIn(options.seconds)).toFixed(0)} s:`,
  );
  console.log(
    table(
      ['', 'applications/s', 'completed', 'p50 ms', 'p99 ms'],
      [
        ['Mohla (API + engine + projections)', mohla.perSecond.toFixed(1), mohla.completed, ms(mohla.latency.p50), ms(mohla.latency.p99)],
        ['baseline (bare workflow: filing update, decision signal)', baseline.perSecond.toFixed(1), baseline.completed, ms(baseline.latency.p50), ms(baseline.latency.p99)],
        ['**ratio Mohla / baseline**', `**${ratio.toFixed(2)}**`, '', '', ''],
        ['reference: bare workflow signalled at once (one workflow task)', atOnce.perSecond.toFixed(1), atOnce.completed, ms(atOnce.latency.p50), ms(atOnce.latency.p99)],
        ['ratio Mohla / that reference', ratioAtOnce.toFixed(2), '', '', ''],
      ],
    ),
  );
  const families = [...new Set([...Object.keys(mohla.cpuPerApplication), ...Object.keys(baseline.cpuPerApplication)])];
  const cpu = (side: Side, family: string) => ms(side.cpuPerApplication[family] ?? NaN);
  console.log('\nCPU milliseconds per application, by process:');
  console.log(table(['process', 'Mohla', 'baseline', 'reference (at once)'], families.map((f) => [f, cpu(mohla, f), cpu(baseline, f), cpu(atOnce, f)])));
  console.log('\nInside one history (mean of a sample):');
  const rows: Array<[string, keyof typeof breakdown.mohla]> = [
    ['events', 'events'],
    ['workflow tasks', 'workflowTasks'],
    ['time in workflow tasks (ms)', 'workflowTaskMs'],
    ['activities', 'activities'],
    ['time in activities (ms)', 'activityMs'],
    ['local activities (projection writes)', 'localActivities'],
    ['updates / signals', 'updates'],
    ['first to last event (ms)', 'totalMs'],
  ];
  console.log(
    table(
      ['', 'Mohla', 'baseline'],
      rows.map(([label, key]) => [label, key === 'updates' ? `${breakdown.mohla.updates} / ${breakdown.mohla.signals}` : breakdown.mohla[key], key === 'updates' ? `${breakdown.baseline.updates} / ${breakdown.baseline.signals}` : breakdown.baseline[key]]),
    ),
  );
  const file = stack.writeResult('throughput', { options, mohla, baseline, ratio, atOnce, ratioAtOnce, breakdown });
  console.log(`\nwritten to ${file}`);
  return { mohla, baseline, ratio, atOnce, ratioAtOnce, breakdown };
}
