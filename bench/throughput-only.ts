/**
 * `npm run bench:throughput`: only the throughput comparison of the suite (Mohla against the
 * bare-Temporal baseline, CPU per process), on a stack of its own — for checking a change to the hot
 * path without the whole suite. BENCH_TEMPORAL=cluster runs it on a Temporal cluster. BENCH_PROFILE=1
 * also writes V8 CPU profiles of the worker processes under bench/results/profiles/.
 */
import { env } from '../infra/config.js';
import { startBenchStack } from './stack.js';
import { describeProcesses } from './temporal.js';
import { runThroughput } from './throughput.js';
import { machine } from './lib.js';

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
console.log(`# Mohla throughput, ${new Date().toISOString()}\n\nMachine: ${JSON.stringify(machine())}`);
const stack = await startBenchStack(log);
// For attaching a profiler (perf record -p) to the server while the comparison runs.
log(describeProcesses(stack.temporal));
try {
  await runThroughput(stack, { seconds: Number(env('BENCH_THROUGHPUT_SECONDS')), concurrency: Number(env('BENCH_CLIENTS')) });
} finally {
  await stack.close();
}
process.exit(0);
