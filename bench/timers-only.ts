/**
 * `npm run bench:timers`: only the timers-at-scale part of the suite (`BENCH_TIMERS` applications whose
 * deadlines expire three to five minutes after filing), on a stack of its own.
 */
import { env } from '../infra/config.js';
import { startBenchStack } from './stack.js';
import { runTimers, TIMER_WINDOW } from './timers.js';
import { machine } from './lib.js';

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
console.log(`# Mohla timers at scale, ${new Date().toISOString()}\n\nMachine: ${JSON.stringify(machine())}`);
const stack = await startBenchStack(log);
try {
  await runTimers(stack, { applications: Number(env('BENCH_TIMERS')), ...TIMER_WINDOW });
} finally {
  await stack.close();
}
process.exit(0);
