/**
 * CPU time per process family, read from /proc, so a benchmark can say where a machine's cores went:
 * the API, the worker, the Temporal server (or each service of a cluster), PostgreSQL, Redis. Linux
 * only; elsewhere it reports nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

function processTicks(pid: number): { comm: string; parent: number; ticks: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // The parent is field 4 of the line, utime and stime fields 14 and 15: 2, 12 and 13 after the name.
    return { comm, parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

export interface CpuSnapshot {
  [family: string]: number;
}

/**
 * CPU seconds so far: the named processes by pid; each of `trees` with its direct children (a PostgreSQL
 * server of a stack's own, whose backends are its children); the machine's other PostgreSQL and Redis
 * processes by their names.
 */
export function cpuSnapshot(named: Record<string, number | undefined>, trees: Record<string, number | undefined> = {}): CpuSnapshot {
  const snapshot: CpuSnapshot = {};
  for (const [family, pid] of Object.entries(named)) {
    const seen = pid === undefined ? undefined : processTicks(pid);
    if (seen) snapshot[family] = seen.ticks / TICKS_PER_SECOND;
  }
  const treeOf = new Map<number, string>();
  for (const [family, pid] of Object.entries(trees)) if (pid !== undefined) treeOf.set(pid, family);
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return snapshot;
  }
  for (const pid of pids) {
    const seen = processTicks(Number(pid));
    if (!seen) continue;
    const family =
      treeOf.get(Number(pid)) ?? treeOf.get(seen.parent) ??
      (seen.comm.startsWith('postgres') ? 'postgresql' : seen.comm.startsWith('redis-server') ? 'redis' : undefined);
    if (family) snapshot[family] = (snapshot[family] ?? 0) + seen.ticks / TICKS_PER_SECOND;
  }
  return snapshot;
}

/** CPU seconds spent between two snapshots, per family. Short-lived PostgreSQL backends are missed. */
export function cpuSpent(before: CpuSnapshot, after: CpuSnapshot): CpuSnapshot {
  const spent: CpuSnapshot = {};
  for (const [family, value] of Object.entries(after)) spent[family] = Math.max(0, value - (before[family] ?? 0));
  return spent;
}
