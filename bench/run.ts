/**
 * The whole benchmark suite behind `npm run bench`: starts its own stack, then runs throughput against
 * the bare-Temporal baseline, latency, timers at scale, the inbox query and notifications, each printing
 * its table (stdout) and appending its JSON result to bench/results/. Progress goes to stderr. It runs
 * on the dev server unless BENCH_TEMPORAL=cluster; `bench:cluster` is its Temporal-bound part on a cluster.
 */
import { performance } from 'node:perf_hooks';
import { env } from '../infra/config.js';
import { runInbox } from './inbox.js';
import { runLatency } from './latency.js';
import { runNotifications } from './notifications.js';
import { startBenchStack } from './stack.js';
import { describeProcesses } from './temporal.js';
import { runThroughput } from './throughput.js';
import { runTimers, timersOptions } from './timers.js';
import { machine } from './lib.js';

const started = performance.now();
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const stage = (name: string) => log(`${name} (${((performance.now() - started) / 60_000).toFixed(1)} min in)`);

console.log(`# Mohla benchmarks, ${new Date().toISOString()}\n\nMachine: ${JSON.stringify(machine())}`);
const stack = await startBenchStack(log);
log(describeProcesses(stack.temporal));
try {
  stage('throughput: Mohla and the baselines, taking turns');
  await runThroughput(stack, { seconds: Number(env('BENCH_THROUGHPUT_SECONDS')), concurrency: Number(env('BENCH_CLIENTS')) });
  stage('latency');
  await runLatency(stack, { samples: 200 });
  stage('timers at scale');
  await runTimers(stack, timersOptions());
  stage('inbox query');
  await runInbox({ tasks: Number(env('BENCH_TASKS')), queries: Number(env('BENCH_QUERIES')), databaseUrl: stack.databaseUrl });
  stage('notifications');
  await runNotifications({ notifications: 5000, concurrency: 8, databaseUrl: stack.databaseUrl, redisUrl: stack.redisUrl });
} finally {
  await stack.close();
}
stage('done');
process.exit(0);
