import { stringify } from 'yaml';

/**
 * The Temporal server's configuration, made from Mohla's settings: one function, so the stack that the
 * cluster tests start and the file that docker-compose.yml mounts say the same thing.
 */

export interface ClusterPorts {
  frontend: number;
  frontendHttp: number;
  history: number;
  matching: number;
  worker: number;
  frontendMembership: number;
  historyMembership: number;
  matchingMembership: number;
  workerMembership: number;
}

export interface ClusterDatabase {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Temporal's own database (histories, timers, task queues) and its visibility database (listing). */
  database: string;
  visibilityDatabase: string;
}

export interface ClusterSettings {
  /** Fixed when the cluster's database is created: changing it later needs a new database. */
  numHistoryShards: number;
  database: ClusterDatabase;
  /** The address every service binds to. */
  bindAddress: string;
  /**
   * The address the services announce to each other (membership) and the frontend's own address for the
   * worker service; the bind address when not given. A container that binds 0.0.0.0 announces 127.0.0.1
   * when all four services run in it.
   */
  broadcastAddress?: string;
  ports: ClusterPorts;
  /** Where the dynamic configuration file is, as the server processes see it. */
  dynamicConfigFile: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/** Temporal's usual ports: a compose stack keeps them, the tests draw free ones. */
export const DEFAULT_CLUSTER_PORTS: ClusterPorts = {
  frontend: 7233,
  frontendHttp: 7243,
  history: 7234,
  matching: 7235,
  worker: 7239,
  frontendMembership: 6933,
  historyMembership: 6934,
  matchingMembership: 6935,
  workerMembership: 6939,
};

/** At least 8 shards: histories spread over that many locks, so one busy application never stalls the rest. */
export const DEFAULT_HISTORY_SHARDS = 8;

export const CLUSTER_SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
export type ClusterService = (typeof CLUSTER_SERVICES)[number];

function datastore(db: ClusterDatabase, databaseName: string, maxConns: number) {
  return {
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${db.host}:${db.port}`,
      connectProtocol: 'tcp',
      user: db.user,
      password: db.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  };
}

function clusterConfig(settings: ClusterSettings): Record<string, unknown> {
  const { ports, bindAddress } = settings;
  const broadcastAddress = settings.broadcastAddress ?? bindAddress;
  const service = (grpcPort: number, membershipPort: number, extra: Record<string, unknown> = {}) => ({
    rpc: { grpcPort, membershipPort, bindOnIP: bindAddress, ...extra },
  });
  return {
    log: { stdout: true, level: settings.logLevel ?? 'warn' },
    persistence: {
      defaultStore: 'mohla-default',
      visibilityStore: 'mohla-visibility',
      numHistoryShards: settings.numHistoryShards,
      datastores: {
        'mohla-default': datastore(settings.database, settings.database.database, 20),
        'mohla-visibility': datastore(settings.database, settings.database.visibilityDatabase, 10),
      },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress } },
    services: {
      frontend: service(ports.frontend, ports.frontendMembership, { httpPort: ports.frontendHttp }),
      history: service(ports.history, ports.historyMembership),
      matching: service(ports.matching, ports.matchingMembership),
      worker: service(ports.worker, ports.workerMembership),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `${broadcastAddress}:${ports.frontend}` },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: settings.dynamicConfigFile, pollInterval: '10s' },
  };
}

/** Marks a configuration file for the server's template rendering (`{{ env "NAME" }}`). */
const TEMPLATE_HEADER = '# enable-template\n';

/**
 * The configuration as the server reads it. With `passwordEnv`, the database password is not written
 * into the file but read by the server from that environment variable when it starts.
 */
export function renderClusterConfig(settings: ClusterSettings, options: { passwordEnv?: string } = {}): string {
  if (!options.passwordEnv) return stringify(clusterConfig(settings));
  const withPlaceholder = { ...settings, database: { ...settings.database, password: `{{ env "${options.passwordEnv}" }}` } };
  return `${TEMPLATE_HEADER}# Written by \`mohla cluster config\`: change Mohla's settings and write it again rather than editing it.\n${stringify(clusterConfig(withPlaceholder))}`;
}

export function renderDynamicConfig(): string {
  return stringify(clusterDynamicConfig());
}

/**
 * Dynamic configuration of the cluster. The dev server runs its task queues on one partition (see
 * temporal-server.ts); a cluster keeps Temporal's default of four, which spread a task queue over the
 * matching hosts. On one host, the cluster benchmark showed none of the dev server's stalls with four,
 * and one partition changed its throughput by less than the machine's noise.
 */
export function clusterDynamicConfig(): Record<string, unknown> {
  return {
    // Mohla's workers poll one task queue; a burst of fault-test filings must not hit the default limits.
    'frontend.namespaceRPS': [{ value: 10_000 }],
    'frontend.rps': [{ value: 10_000 }],
  };
}
