/**
 * `npm run bench:cluster`: the suite's Temporal-bound part on the production shape — throughput against
 * the same-shape baseline, then timers at scale — on a Temporal cluster of four service processes on a
 * PostgreSQL of its own, whatever BENCH_TEMPORAL says. Its result files are named `*-cluster-*.json`.
 */
import { performance } from 'node:perf_hooks';
import { env } from '../infra/config.js';
import { machine } from './lib.js';
import { startBenchStack } from './stack.js';
import { describeProcesses } from './temporal.js';
import { runThroughput } from './throughput.js';
import { runTimers, timersOptions } from './timers.js';

const started = performance.now();
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const stage = (name: string) => log(`${name} (${((performance.now() - started) / 60_000).toFixed(1)} min in)`);

console.log(`# Mohla on a Temporal cluster, ${new Date().toISOString()}\n\nMachine: ${JSON.stringify(machine())}`);
const stack = await startBenchStack(log, { temporal: 'cluster' });
log(describeProcesses(stack.temporal));
try {
  stage('throughput: Mohla and the baselines, taking turns');
  await runThroughput(stack, { seconds: Number(env('BENCH_THROUGHPUT_SECONDS')), concurrency: Number(env('BENCH_CLIENTS')) });
  stage('timers at scale');
  await runTimers(stack, timersOptions());
} finally {
  await stack.close();
}
stage('done');
process.exit(0);
