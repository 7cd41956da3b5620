import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Every environment variable Mohla reads, with its embedded default. Documentation (README) and the
 * docker-compose check are driven from this list, so a variable cannot be read without being declared.
 */
export const ENVIRONMENT = {
  TEMPORAL_ADDRESS: { default: '127.0.0.1:7233', doc: 'Temporal frontend (host:port).' },
  TEMPORAL_NAMESPACE: { default: 'default', doc: 'Temporal namespace of the applications.' },
  TEMPORAL_TASK_QUEUE: { default: 'mohla-procedures', doc: 'Task queue the worker polls.' },
  TEMPORAL_UI_PORT: { default: '8233', doc: '`mohla dev` only: port of the Temporal Web UI.' },
  TEMPORAL_CLI: { default: '', doc: 'Path of a `temporal` CLI to use instead of looking one up.' },
  DATABASE_URL: {
    default: 'postgres://postgres@127.0.0.1:5432/mohla',
    doc: 'PostgreSQL holding the projections (inbox, applications). The database is created if missing.',
  },
  REDIS_URL: { default: 'redis://127.0.0.1:6379', doc: 'Redis for the notification queues.' },
  HOST: { default: '127.0.0.1', doc: 'Address the HTTP API listens on.' },
  PORT: { default: '3000', doc: 'Port of the HTTP API.' },
  MOHLA_API_URL: { default: '', doc: 'Where CLI commands that act on a running Mohla find its API; empty: http://HOST:PORT.' },
  MOHLA_DATA_DIR: { default: '.data', doc: 'Local state for `mohla dev` (Temporal database, embedded services).' },
  MOHLA_PROCEDURES_DIR: { default: 'procedures', doc: 'Folder of the shipped procedure definitions.' },
  MOHLA_WORKFLOW_BUNDLE: {
    default: '',
    doc: 'Path of a prebuilt workflow bundle for the worker; empty: bundle workflows/ at start.',
  },
  JWT_SECRET: {
    default: '',
    doc: 'Secret that signs bearer tokens and receipt PINs. Required when NODE_ENV=production; development uses a fixed, public one.',
  },
  NODE_ENV: { default: 'development', doc: '`production` turns development conveniences off.' },
  LOG_LEVEL: { default: 'info', doc: 'API and worker log level (fatal, error, warn, info, debug).' },
} as const satisfies Record<string, { default: string; doc: string }>;

/** The project root, whatever the current directory (the CLI may be run from anywhere). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export type EnvironmentVariable = keyof typeof ENVIRONMENT;

export function env(name: EnvironmentVariable, source: NodeJS.ProcessEnv = process.env): string {
  const value = source[name];
  return value === undefined || value === '' ? ENVIRONMENT[name].default : value;
}

export interface Config {
  temporal: { address: string; namespace: string; taskQueue: string; uiPort: number };
  databaseUrl: string;
  redisUrl: string;
  http: { host: string; port: number };
  dataDir: string;
  proceduresDir: string;
  production: boolean;
  logLevel: string;
  jwtSecret: string;
}

/** Development only: anyone can read it here, so tokens signed with it prove nothing. */
export const DEVELOPMENT_JWT_SECRET = 'mohla-development-secret-do-not-use-in-production';

export class ConfigError extends Error {}

function port(name: EnvironmentVariable, source: NodeJS.ProcessEnv): number {
  const raw = env(name, source);
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new ConfigError(`${name}=${raw} is not a TCP port (0–65535).`);
  }
  return value;
}

function jwtSecret(source: NodeJS.ProcessEnv): string {
  const secret = env('JWT_SECRET', source);
  if (env('NODE_ENV', source) !== 'production') return secret || DEVELOPMENT_JWT_SECRET;
  if (!secret) throw new ConfigError('JWT_SECRET is required when NODE_ENV=production: set it to a long random value.');
  if (secret.length < 32) throw new ConfigError('JWT_SECRET must be at least 32 characters long.');
  return secret;
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  return {
    temporal: {
      address: env('TEMPORAL_ADDRESS', source),
      namespace: env('TEMPORAL_NAMESPACE', source),
      taskQueue: env('TEMPORAL_TASK_QUEUE', source),
      uiPort: port('TEMPORAL_UI_PORT', source),
    },
    databaseUrl: env('DATABASE_URL', source),
    redisUrl: env('REDIS_URL', source),
    http: { host: env('HOST', source), port: port('PORT', source) },
    dataDir: path.resolve(PROJECT_ROOT, env('MOHLA_DATA_DIR', source)),
    proceduresDir: path.resolve(PROJECT_ROOT, env('MOHLA_PROCEDURES_DIR', source)),
    production: env('NODE_ENV', source) === 'production',
    logLevel: env('LOG_LEVEL', source),
    jwtSecret: jwtSecret(source),
  };
}

