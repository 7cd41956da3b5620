import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, env, loadConfig, positiveInteger } from '../infra/config.js';
import { OwnedPostgres } from '../infra/owned-postgres.js';
import {
  DEFAULT_CLUSTER_PORTS,
  renderClusterConfig,
  renderDynamicConfig,
  type ClusterDatabase,
  type ClusterSettings,
} from '../infra/temporal-cluster-config.js';
import { ensureServerTools, startCluster } from '../infra/temporal-cluster.js';
import { codecEndpointUrl, ensureUiServer, startTemporalUi } from '../infra/temporal-ui.js';
import { UsageError } from './usage-error.js';
import { searchAttributes } from '../workflows/search-attributes.js';

const USAGE =
  'cluster: usage: mohla cluster [up] [--no-ui] | mohla cluster tools | mohla cluster config --out <dir> [--database-host <host>] [--password-env <variable>]';

/** TEMPORAL_CLUSTER_DATABASE_URL as the server's datastore settings. */
function databaseFromUrl(raw: string): ClusterDatabase {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`TEMPORAL_CLUSTER_DATABASE_URL=${raw} is not a URL (postgres://user:password@host:5432).`);
  }
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username || 'postgres'),
    password: decodeURIComponent(url.password),
    database: 'temporal',
    visibilityDatabase: 'temporal_visibility',
  };
}

function settingsFor(database: ClusterDatabase, dynamicConfigFile: string, frontendPort: number, source: NodeJS.ProcessEnv = process.env): ClusterSettings {
  return {
    numHistoryShards: positiveInteger('TEMPORAL_HISTORY_SHARDS', source),
    database,
    bindAddress: '127.0.0.1',
    ports: { ...DEFAULT_CLUSTER_PORTS, frontend: frontendPort },
    dynamicConfigFile,
  };
}

/**
 * The configuration of a deployed Temporal server (docker-compose.yml mounts the one written into
 * deploy/temporal): all four services in one container that binds every address and announces
 * 127.0.0.1 to itself, its dynamic configuration beside it.
 */
export function deploymentSettings(options: { databaseHost?: string; dynamicConfigFile: string }, source: NodeJS.ProcessEnv = process.env): ClusterSettings {
  const database = databaseFromUrl(env('TEMPORAL_CLUSTER_DATABASE_URL', source) || 'postgres://postgres@127.0.0.1:5432');
  if (options.databaseHost) database.host = options.databaseHost;
  const settings = settingsFor(database, options.dynamicConfigFile, DEFAULT_CLUSTER_PORTS.frontend, source);
  return { ...settings, bindAddress: '0.0.0.0', broadcastAddress: '127.0.0.1' };
}

/** Where the server finds the dynamic configuration inside the container that mounts deploy/temporal. */
export const DEPLOYED_CONFIG_DIR = '/etc/mohla-temporal';

export function writeDeploymentConfig(out: string, options: { databaseHost?: string; passwordEnv?: string }, source: NodeJS.ProcessEnv = process.env): void {
  const settings = deploymentSettings({ databaseHost: options.databaseHost, dynamicConfigFile: `${DEPLOYED_CONFIG_DIR}/dynamicconfig.yaml` }, source);
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'mohla.yaml'), renderClusterConfig(settings, { passwordEnv: options.passwordEnv }));
  writeFileSync(path.join(out, 'dynamicconfig.yaml'), renderDynamicConfig());
}

/**
 * `mohla cluster`: a Temporal cluster on PostgreSQL on this machine, in the foreground — the production
 * shape (four services as four processes) for trying Mohla out of the dev server. `npm run dev` in another
 * terminal then finds it at TEMPORAL_ADDRESS. `mohla cluster config` writes the same configuration for a
 * deployment (docker-compose.yml mounts it).
 */
export async function clusterCommand(args: string[]): Promise<number> {
  // `mohla cluster --no-ui` is `mohla cluster up --no-ui`.
  const [first, ...others] = args;
  const sub = first === undefined || first.startsWith('-') ? 'up' : first;
  const rest = sub === first ? others : args;
  const config = loadConfig();
  if (sub === 'config') {
    const { values } = parseArgs({
      args: rest,
      options: { out: { type: 'string' }, 'database-host': { type: 'string' }, 'password-env': { type: 'string' } },
    });
    if (!values.out) throw new UsageError(USAGE);
    writeDeploymentConfig(values.out, { databaseHost: values['database-host'], passwordEnv: values['password-env'] });
    console.log(`wrote ${path.join(values.out, 'mohla.yaml')} and dynamicconfig.yaml`);
    return 0;
  }
  if (sub === 'tools' && !rest.length) {
    const log = (line: string) => console.error(line);
    const tools = await ensureServerTools({ log });
    const uiServer = await ensureUiServer({ log });
    console.log(`${tools.server}\n${tools.sqlTool}\n${tools.schemaDir}\n${uiServer}`);
    return 0;
  }
  if (sub !== 'up') throw new UsageError(USAGE);
  let withUi: boolean;
  try {
    withUi = !parseArgs({ args: rest, options: { 'no-ui': { type: 'boolean' } } }).values['no-ui'];
  } catch {
    throw new UsageError(USAGE);
  }

  const [host, port] = config.temporal.address.split(':');
  if (!['127.0.0.1', 'localhost'].includes(host ?? '')) {
    throw new ConfigError(`mohla cluster runs on this machine: TEMPORAL_ADDRESS must be 127.0.0.1:<port>, not ${config.temporal.address}.`);
  }
  const root = path.join(config.dataDir, 'cluster');
  const stops: Array<() => Promise<void>> = [];
  const explicit = env('TEMPORAL_CLUSTER_DATABASE_URL');
  let database: ClusterDatabase;
  if (explicit) {
    database = databaseFromUrl(explicit);
  } else {
    const owned = new OwnedPostgres({ dataDir: path.join(root, 'postgres'), port: 5433, log: console.log });
    console.log('Starting PostgreSQL for Temporal on 127.0.0.1:5433…');
    await owned.start();
    stops.push(() => owned.stop());
    database = databaseFromUrl('postgres://postgres@127.0.0.1:5433');
  }
  try {
    const tools = await ensureServerTools({ log: console.log });
    const uiServer = withUi ? await ensureUiServer({ log: console.log }) : undefined;
    const settings = settingsFor(database, path.join(root, 'dynamicconfig.yaml'), Number(port));
    console.log(`Starting the Temporal cluster (${settings.numHistoryShards} history shards)…`);
    const cluster = await startCluster({
      tools,
      settings,
      rootDir: root,
      namespace: config.temporal.namespace,
      retention: env('TEMPORAL_RETENTION'),
      searchAttributes,
      log: console.log,
    });
    stops.unshift(() => cluster.stop());
    console.log(`Temporal cluster at ${cluster.address}: frontend, history, matching and worker services as processes ${Object.values(cluster.processes).map((p) => `${p.service}=${p.pid}`).join(', ')}.`);
    if (uiServer) {
      // On TEMPORAL_UI_PORT, like the dev server's UI: the API's development default lets that origin decode.
      const codecEndpoint = codecEndpointUrl(config);
      const ui = await startTemporalUi({
        binary: uiServer,
        rootDir: path.join(root, 'ui'),
        settings: { temporalAddress: cluster.address, host: '127.0.0.1', port: config.temporal.uiPort, namespace: config.temporal.namespace, codecEndpoint },
      });
      stops.unshift(() => ui.stop());
      console.log(`Temporal UI at ${ui.url}: payloads are encrypted; auditors and admins signed in on Mohla's web pages read them through ${codecEndpoint}.`);
    }
    console.log('Start Mohla against it with `npm run dev` in another terminal. Ctrl-C stops the cluster.');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
  }
  return 0;
}
