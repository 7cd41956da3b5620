/**
 * `npm run bench:timers`: only the timers-at-scale part of the suite (`BENCH_TIMERS` applications filed
 * over `BENCH_TIMERS_WINDOW` seconds, then falling due over as long), on a stack of its own.
 */
import { startBenchStack } from './stack.js';
import { runTimers, timersOptions } from './timers.js';
import { machine } from './lib.js';

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
console.log(`# Mohla timers at scale, ${new Date().toISOString()}\n\nMachine: ${JSON.stringify(machine())}`);
const stack = await startBenchStack(log);
try {
  await runTimers(stack, timersOptions());
} finally {
  await stack.close();
}
process.exit(0);
