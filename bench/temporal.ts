/**
 * The Temporal a benchmark runs on: the CLI's dev server (one process on a scratch SQLite file) or a
 * cluster of the real server (frontend, history, matching and worker as four processes on a PostgreSQL
 * of their own). Mohla, the baseline and the API reach either through its address alone; what ran is
 * recorded in every result, and its processes are named for the CPU tables.
 */
import path from 'node:path';
import { ConfigError, env } from '../infra/config.js';
import { postgresBinDir } from '../infra/owned-postgres.js';
import { freePort } from '../infra/ports.js';
import { startScratchCluster } from '../infra/scratch-cluster.js';
import { ensureTemporalCli, TEMPORAL_CLI_VERSION } from '../infra/temporal-cli.js';
import { TEMPORAL_SERVER_VERSION } from '../infra/temporal-cluster.js';
import { clusterDynamicConfig } from '../infra/temporal-cluster-config.js';
import { SINGLE_NODE_DYNAMIC_CONFIG, startDevServer } from '../infra/temporal-server.js';
import { searchAttributes } from '../workflows/search-attributes.js';

export const BENCH_TEMPORAL_KINDS = ['dev-server', 'cluster'] as const;
export type BenchTemporalKind = (typeof BENCH_TEMPORAL_KINDS)[number];

export interface BenchTemporal {
  kind: BenchTemporalKind;
  /** What the tables' titles call it. */
  label: string;
  address: string;
  /** What ran, as each result file records it. */
  description: Record<string, unknown>;
  /** Its processes, under the names the CPU tables give them. */
  processes: Record<string, number | undefined>;
  /** Servers counted with their direct children: the cluster's PostgreSQL, whose backends are its children. */
  processTrees: Record<string, number | undefined>;
  stop(): Promise<void>;
}

/** BENCH_TEMPORAL, checked. */
export function benchTemporalKind(source: NodeJS.ProcessEnv = process.env): BenchTemporalKind {
  const raw = env('BENCH_TEMPORAL', source);
  const kind = BENCH_TEMPORAL_KINDS.find((k) => k === raw);
  if (!kind) throw new ConfigError(`BENCH_TEMPORAL=${raw} is neither ${BENCH_TEMPORAL_KINDS.join(' nor ')}.`);
  return kind;
}

/**
 * The dev server keeps its state in a file, not in memory: SQLite's in-memory page cache holds the
 * whole database, and some of its operations scan that cache, so an in-memory server slows down as it
 * fills (its CPU went to SQLite's cache truncation with 17,000 open applications). Nothing needs to
 * survive the run, so the file is not synced.
 */
const DEV_SERVER_PRAGMAS = ['journal_mode=wal', 'synchronous=off'];

async function startBenchDevServer(scratch: string, log: (line: string) => void): Promise<BenchTemporal> {
  const cli = await ensureTemporalCli({ log });
  const server = await startDevServer({ cli: cli.path, port: await freePort(), dbFile: path.join(scratch, 'temporal.db'), sqlitePragmas: DEV_SERVER_PRAGMAS, searchAttributes });
  return {
    kind: 'dev-server',
    label: 'dev server',
    address: server.address,
    description: {
      kind: 'dev-server',
      server: `temporal server start-dev (CLI ${TEMPORAL_CLI_VERSION})`,
      processes: 1,
      persistence: `SQLite file (${DEV_SERVER_PRAGMAS.join(', ')})`,
      dynamicConfig: SINGLE_NODE_DYNAMIC_CONFIG,
    },
    processes: { temporal: server.process.pid },
    processTrees: {},
    stop: server.stop,
  };
}

async function startBenchCluster(log: (line: string) => void): Promise<BenchTemporal> {
  const cluster = await startScratchCluster(log, { searchAttributes });
  const services = Object.values(cluster.processes);
  return {
    kind: 'cluster',
    label: `cluster (${services.length} processes, ${cluster.historyShards} history shards)`,
    address: cluster.address,
    description: {
      kind: 'cluster',
      server: `temporal-server ${TEMPORAL_SERVER_VERSION}`,
      processes: services.map((p) => p.service),
      historyShards: cluster.historyShards,
      persistence: `PostgreSQL ${path.basename(path.dirname(postgresBinDir()))} of its own (fsync on)`,
      dynamicConfig: clusterDynamicConfig(),
    },
    processes: Object.fromEntries(services.map((p) => [`temporal ${p.service}`, p.pid])),
    processTrees: { "temporal's postgresql": cluster.postgres.pid },
    stop: cluster.stop,
  };
}

export function startBenchTemporal(kind: BenchTemporalKind, scratch: string, log: (line: string) => void): Promise<BenchTemporal> {
  return kind === 'cluster' ? startBenchCluster(log) : startBenchDevServer(scratch, log);
}

/** One line for the log: which Temporal, and its processes' ids (for `perf record -p`). */
export function describeProcesses(temporal: BenchTemporal): string {
  const pids = Object.entries({ ...temporal.processes, ...temporal.processTrees }).map(([name, pid]) => `${name} ${pid}`);
  return `Temporal ${temporal.label} at ${temporal.address}: ${pids.join(', ')}`;
}
