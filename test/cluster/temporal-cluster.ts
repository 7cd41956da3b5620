import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OwnedPostgres } from '../../infra/owned-postgres.js';
import { DEFAULT_HISTORY_SHARDS, type ClusterPorts } from '../../infra/temporal-cluster-config.js';
import { ensureServerTools, startCluster, type RunningCluster } from '../../infra/temporal-cluster.js';
import { freeLowPort, freePort } from '../helpers/ports.js';

export interface TestCluster extends RunningCluster {
  /** The cluster's own PostgreSQL, never the machine's service: fault tests kill it. */
  postgres: OwnedPostgres;
}

export interface TestClusterOptions {
  /**
   * Runs once the cluster's PostgreSQL answers and before any Temporal service starts: a restore puts
   * Temporal's databases back there first.
   */
  beforeStart?: (postgres: OwnedPostgres) => Promise<void>;
}

/** A Temporal cluster on a PostgreSQL of its own, every port drawn free, gone without a trace when stopped. */
export async function startTestCluster(log: (line: string) => void, options: TestClusterOptions = {}): Promise<TestCluster> {
  const tools = await ensureServerTools({ log });
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'mohla-cluster-'));
  // As root, PostgreSQL runs as the postgres user, who must be able to reach its data folder.
  chmodSync(scratch, 0o755);
  const postgres = new OwnedPostgres({ dataDir: path.join(scratch, 'postgres'), port: await freePort(), log });
  await postgres.start();
  const names: Array<keyof ClusterPorts> = [
    'frontend', 'frontendHttp', 'history', 'matching', 'worker',
    'frontendMembership', 'historyMembership', 'matchingMembership', 'workerMembership',
  ];
  const ports = {} as ClusterPorts;
  // Each port is free when drawn, not reserved: a port drawn twice would leave two services on one.
  const drawn = new Set<number>();
  for (const name of names) {
    let port = await freeLowPort();
    while (drawn.has(port)) port = await freeLowPort();
    drawn.add(port);
    ports[name] = port;
  }
  const root = path.join(scratch, 'root');
  try {
    await options.beforeStart?.(postgres);
    const cluster = await startCluster({
      tools,
      rootDir: root,
      namespace: 'default',
      retention: '24h',
      log,
      settings: {
        numHistoryShards: DEFAULT_HISTORY_SHARDS,
        bindAddress: '127.0.0.1',
        ports,
        dynamicConfigFile: path.join(root, 'dynamicconfig.yaml'),
        database: { host: '127.0.0.1', port: Number(new URL(postgres.url).port), user: postgres.user, password: '', database: 'temporal', visibilityDatabase: 'temporal_visibility' },
      },
    });
    return {
      ...cluster,
      postgres,
      stop: async () => {
        await cluster.stop();
        await postgres.stop();
        rmSync(scratch, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await postgres.stop();
    throw err;
  }
}
