import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { goInstall, runQuietly, userCacheDir } from './go-install.js';
import { isExecutable, retryUntil } from './system.js';
import { ensureTemporalCli } from './temporal-cli.js';
import { searchAttributeFlags, stopChild, waitForTemporal, type SearchAttributeKeys } from './temporal-server.js';
import {
  CLUSTER_SERVICES,
  renderClusterConfig,
  renderDynamicConfig,
  type ClusterService,
  type ClusterSettings,
} from './temporal-cluster-config.js';

/** The server release that the CLI v1.5.1's dev server embeds: the cluster and the dev server agree. */
const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';

export interface ServerTools {
  server: string;
  sqlTool: string;
  /** `schema/postgresql/v12` of the server's module: the SQL tool's versioned migrations. */
  schemaDir: string;
}

type Log = (line: string) => void;

function temporalServerCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(userCacheDir(env), `temporal-server-${TEMPORAL_SERVER_VERSION}`);
}

/**
 * Finds or builds the Temporal server and its SQL schema tool in the user cache. The schema files come
 * with the module's source, which `go install` leaves in Go's module cache: they are copied beside the
 * binaries, so the cache stays whole if Go's module cache is cleaned.
 */
export async function ensureServerTools(options: { env?: NodeJS.ProcessEnv; log?: Log } = {}): Promise<ServerTools> {
  const env = options.env ?? process.env;
  const target = temporalServerCacheDir(env);
  const tools: ServerTools = {
    server: path.join(target, 'temporal-server'),
    sqlTool: path.join(target, 'temporal-sql-tool'),
    schemaDir: path.join(target, 'schema', 'postgresql', 'v12'),
  };
  const label = (name: string) => `the Temporal ${name}`;
  if (!isExecutable(tools.server)) {
    await goInstall(
      { label: label('server'), module: `${TEMPORAL_SERVER_MODULE}/cmd/server`, version: TEMPORAL_SERVER_VERSION, binary: 'server', keepAs: 'temporal-server', target },
      options,
    );
  }
  if (!isExecutable(tools.sqlTool) || !existsSync(tools.schemaDir)) {
    await goInstall(
      { label: label('SQL tool'), module: `${TEMPORAL_SERVER_MODULE}/cmd/tools/sql`, version: TEMPORAL_SERVER_VERSION, binary: 'sql', keepAs: 'temporal-sql-tool', target },
      {
        ...options,
        afterBuild: async (_staging, go) => {
          const modCache = (await runQuietly(go, ['env', 'GOMODCACHE'], env, () => undefined)).trim();
          const source = path.join(modCache, `${TEMPORAL_SERVER_MODULE}@${TEMPORAL_SERVER_VERSION}`, 'schema', 'postgresql', 'v12');
          mkdirSync(path.dirname(tools.schemaDir), { recursive: true });
          cpSync(source, tools.schemaDir, { recursive: true });
          // Go's module cache is read-only; the copy must stay removable by the user who owns the cache.
          makeWritable(tools.schemaDir);
        },
      },
    );
  }
  return tools;
}

function makeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(full);
    else chmodSync(full, 0o644);
  }
}

async function clusterMetadataWritten(settings: ClusterSettings): Promise<void> {
  const { host, port, user, password, database } = settings.database;
  const client = new pg.Client({ host, port, user, password, database });
  await client.connect();
  try {
    const rows = await client.query('select 1 from cluster_metadata_info limit 1');
    if (!rows.rowCount) throw new Error('the Temporal history service has not written the cluster metadata yet');
  } finally {
    await client.end();
  }
}

async function databaseExists(settings: ClusterSettings, name: string): Promise<boolean> {
  const { host, port, user, password } = settings.database;
  const client = new pg.Client({ host, port, user, password, database: 'postgres' });
  await client.connect();
  try {
    return ((await client.query('select 1 from pg_database where datname = $1', [name])).rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}

/**
 * Creates Temporal's two databases when missing and brings their schemas to the server's version with the
 * SQL tool's versioned migrations: safe to run at every start, as an upgrade of the server would need.
 */
async function prepareClusterDatabases(tools: ServerTools, settings: ClusterSettings, log: Log = () => undefined): Promise<void> {
  const { host, port, user, password } = settings.database;
  // The password goes by the environment, which the tool also reads: not on a command line that `ps`
  // shows, nor in the message of a failed run.
  const base = ['--plugin', 'postgres12', '--ep', host, '-p', String(port), '-u', user];
  const env = { ...process.env, SQL_PASSWORD: password };
  const parts: Array<[string, string]> = [
    [settings.database.database, 'temporal'],
    [settings.database.visibilityDatabase, 'visibility'],
  ];
  for (const [name, schema] of parts) {
    const run = (args: string[]) => runQuietly(tools.sqlTool, [...base, '--db', name, ...args], env, () => log(`  … still migrating ${name}`));
    if (!(await databaseExists(settings, name))) {
      log(`Creating the Temporal database ${name}…`);
      await run(['create-database']);
      await run(['setup-schema', '-v', '0.0']);
    }
    await run(['update-schema', '-d', path.join(tools.schemaDir, schema, 'versioned')]);
  }
}

/** Writes the generated configuration where `temporal-server --root <dir>` finds it. */
function writeClusterConfig(rootDir: string, settings: ClusterSettings): { configDir: string; env: string } {
  const configDir = path.join(rootDir, 'config');
  mkdirSync(configDir, { recursive: true });
  writeFileSync(path.join(configDir, 'mohla.yaml'), renderClusterConfig(settings));
  writeFileSync(settings.dynamicConfigFile, renderDynamicConfig());
  return { configDir, env: 'mohla' };
}

export interface ClusterOptions {
  tools: ServerTools;
  settings: ClusterSettings;
  /** Where the generated configuration is written. */
  rootDir: string;
  namespace: string;
  /** How long Temporal keeps a closed application's history (`72h`, `30d`). */
  retention: string;
  /** Registered with the namespace (the workflow's, as the dev server's). */
  searchAttributes: SearchAttributeKeys;
  log?: Log;
}

/** One Temporal service running as its own process, which a fault test may kill and start again. */
export class ClusterProcess {
  private child?: ChildProcess;
  private readonly output: string[] = [];

  constructor(
    readonly service: ClusterService,
    private readonly command: { server: string; rootDir: string; configDir: string; env: string },
    private readonly log: Log,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    const { server, rootDir, configDir, env } = this.command;
    // --config is read relative to --root.
    const child = spawn(server, ['--root', rootDir, '--config', path.relative(rootDir, configDir), '--env', env, '--allow-no-auth', 'start', '--service', this.service], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      this.output.splice(0, Math.max(0, this.output.length - 50));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', (code, signal) => {
      if (code !== 0 && signal === null) this.log(`temporal ${this.service} exited with ${code}:\n${this.output.join('').slice(-1500)}`);
    });
  }

  /** A crash: the process gets no chance to hand its shards or task queues over. */
  kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  stop(): Promise<void> {
    return this.child ? stopChild(this.child) : Promise.resolve();
  }
}

export interface RunningCluster {
  address: string;
  processes: Record<ClusterService, ClusterProcess>;
  stop(): Promise<void>;
}

async function temporalCli(args: string[]): Promise<void> {
  const cli = await ensureTemporalCli();
  await runQuietly(cli.path, args, process.env, () => undefined);
}

/** The namespace with its retention, and Mohla's search attributes (the dev server's list). */
async function registerNamespace(address: string, namespace: string, retention: string, searchAttributes: SearchAttributeKeys): Promise<void> {
  const common = ['--address', address, '--namespace', namespace];
  await temporalCli(['operator', 'namespace', 'create', ...common, '--retention', retention]).catch(async (err: Error) => {
    if (!/already exists|AlreadyExists/i.test(err.message)) throw err;
    await temporalCli(['operator', 'namespace', 'update', ...common, '--retention', retention]);
  });
  const flags = searchAttributeFlags(searchAttributes);
  for (let i = 0; i < flags.length; i += 2) {
    const [name, type] = (flags[i + 1] as string).split('=');
    await temporalCli(['operator', 'search-attribute', 'create', ...common, '--name', name as string, '--type', type as string]).catch((err: Error) => {
      if (!/already|exists/i.test(err.message)) throw err;
    });
  }
}

/**
 * A Temporal cluster on PostgreSQL: the frontend, history, matching and worker services as four
 * processes, the databases migrated, the namespace and Mohla's search attributes registered.
 */
export async function startCluster(options: ClusterOptions): Promise<RunningCluster> {
  const log = options.log ?? (() => undefined);
  await prepareClusterDatabases(options.tools, options.settings, log);
  const { configDir, env } = writeClusterConfig(options.rootDir, options.settings);
  const command = { server: options.tools.server, rootDir: options.rootDir, configDir, env };
  const processes = Object.fromEntries(
    CLUSTER_SERVICES.map((service) => [service, new ClusterProcess(service, command, log)]),
  ) as Record<ClusterService, ClusterProcess>;
  // Every service writes the cluster's metadata on its first start, and only one of several racing
  // writers succeeds (the others exit): history goes first, the others once the row is there.
  const address = `${options.settings.bindAddress}:${options.settings.ports.frontend}`;
  const stop = async () => {
    for (const service of ['worker', 'frontend', 'matching', 'history'] as const) await processes[service].stop();
  };
  try {
    processes.history.start();
    await retryUntil(() => clusterMetadataWritten(options.settings), 60_000, 250);
    for (const service of ['matching', 'frontend', 'worker'] as const) processes[service].start();
    await waitForTemporal(address, 120_000);
    await registerNamespace(address, options.namespace, options.retention, options.searchAttributes);
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, processes, stop };
}
