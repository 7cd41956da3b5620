/** What every benchmark shares: percentiles, progress bars, the machine's description and result files. */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../infra/config.js';

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export interface Distribution {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function distribution(values: number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN };
}

/** Progress goes to stderr so that stdout keeps only the tables. */
export function bar(done: number, total: number, label: string, extra = ''): void {
  const width = 30;
  const filled = Math.min(width, Math.round((done / Math.max(1, total)) * width));
  process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${extra ? ` ${extra}` : ''}   `);
  if (done >= total) process.stderr.write('\n');
}

export function machine() {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

/** Appends one result file (never overwrites: the history of runs is the point). */
export function writeResult(benchmark: string, result: Record<string, unknown>): string {
  const dir = path.join(PROJECT_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${benchmark}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ benchmark, ...result, machine: machine(), at: new Date().toISOString() }, null, 2));
  return path.relative(process.cwd(), file);
}

export function table(headers: string[], rows: Array<Array<string | number>>): string {
  return [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '—');

/** Runs `work` for items 0..total-1 with at most `concurrency` in flight. */
export async function pool(total: number, concurrency: number, work: (i: number) => Promise<void>, onDone?: (done: number) => void): Promise<void> {
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) {
        const i = next++;
        await work(i);
        onDone?.(++done);
      }
    }),
  );
}

export const sleep = (millis: number) => new Promise((r) => setTimeout(r, Math.max(0, millis)));
