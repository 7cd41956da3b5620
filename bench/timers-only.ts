/**
 * `npm run bench:timers`: only the timers-at-scale part of the suite (`BENCH_TIMERS` applications filed
 * over `BENCH_TIMERS_WINDOW` seconds, then falling due over as long), on a stack of its own, on the
 * Temporal that BENCH_TEMPORAL names.
 */
import { startBenchStack } from './stack.js';
import { describeProcesses } from './temporal.js';
import { runTimers, timersOptions } from './timers.js';
import { machine } from './lib.js';

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
console.log(`# Mohla timers at scale, ${new Date().toISOString()}\n\nMachine: ${JSON.stringify(machine())}`);
const stack = await startBenchStack(log);
log(describeProcesses(stack.temporal));
try {
  await runTimers(stack, timersOptions());
} finally {
  await stack.close();
}
process.exit(0);
