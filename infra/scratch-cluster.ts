import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OwnedPostgres } from './owned-postgres.js';
import { freeLowPort, freePort } from './ports.js';
import { DEFAULT_HISTORY_SHARDS, type ClusterPorts } from './temporal-cluster-config.js';
import { ensureServerTools, startCluster, type RunningCluster } from './temporal-cluster.js';
import type { SearchAttributeKeys } from './temporal-server.js';

/**
 * A throwaway Temporal cluster, as the cluster tests and the cluster benchmark run it: the four services
 * as four processes of the real server, on a PostgreSQL of its own in a scratch folder (never the
 * machine's service: fault tests kill it), every port drawn free, gone without a trace when stopped.
 */
export interface ScratchCluster extends RunningCluster {
  postgres: OwnedPostgres;
  historyShards: number;
}

export interface ScratchClusterOptions {
  /** Registered with the namespace: the workflow's (workflows/search-attributes.ts). */
  searchAttributes: SearchAttributeKeys;
  /**
   * Runs once the cluster's PostgreSQL answers and before any Temporal service starts: a restore puts
   * Temporal's databases back there first.
   */
  beforeStart?: (postgres: OwnedPostgres) => Promise<void>;
}

const PORT_NAMES: Array<keyof ClusterPorts> = [
  'frontend', 'frontendHttp', 'history', 'matching', 'worker',
  'frontendMembership', 'historyMembership', 'matchingMembership', 'workerMembership',
];

/** Every service's ports below 32768 (Temporal keeps them as smallints), none drawn twice. */
async function drawPorts(): Promise<ClusterPorts> {
  const ports = {} as ClusterPorts;
  // Each port is free when drawn, not reserved: a port drawn twice would leave two services on one.
  const drawn = new Set<number>();
  for (const name of PORT_NAMES) {
    let port = await freeLowPort();
    while (drawn.has(port)) port = await freeLowPort();
    drawn.add(port);
    ports[name] = port;
  }
  return ports;
}

export async function startScratchCluster(log: (line: string) => void, options: ScratchClusterOptions): Promise<ScratchCluster> {
  const tools = await ensureServerTools({ log });
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'mohla-cluster-'));
  // As root, PostgreSQL runs as the postgres user, who must be able to reach its data folder.
  chmodSync(scratch, 0o755);
  const postgres = new OwnedPostgres({ dataDir: path.join(scratch, 'postgres'), port: await freePort(), log });
  await postgres.start();
  const root = path.join(scratch, 'root');
  try {
    await options.beforeStart?.(postgres);
    const cluster = await startCluster({
      tools,
      rootDir: root,
      namespace: 'default',
      retention: '24h',
      searchAttributes: options.searchAttributes,
      log,
      settings: {
        numHistoryShards: DEFAULT_HISTORY_SHARDS,
        bindAddress: '127.0.0.1',
        ports: await drawPorts(),
        dynamicConfigFile: path.join(root, 'dynamicconfig.yaml'),
        database: { host: '127.0.0.1', port: Number(new URL(postgres.url).port), user: postgres.user, password: '', database: 'temporal', visibilityDatabase: 'temporal_visibility' },
      },
    });
    return {
      ...cluster,
      postgres,
      historyShards: DEFAULT_HISTORY_SHARDS,
      stop: async () => {
        await cluster.stop();
        await postgres.stop();
        rmSync(scratch, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await postgres.stop();
    rmSync(scratch, { recursive: true, force: true });
    throw err;
  }
}
