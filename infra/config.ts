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
  TEMPORAL_HISTORY_SHARDS: {
    default: '8',
    doc: '`mohla cluster` and its generated configuration: history shards of the Temporal cluster, fixed when its database is created.',
  },
  TEMPORAL_RETENTION: {
    default: '30d',
    doc: '`mohla cluster`: how long Temporal keeps the history of a closed application (the namespace retention), e.g. 72h or 30d.',
  },
  TEMPORAL_CLUSTER_DATABASE_URL: {
    default: '',
    doc: "`mohla cluster`: the PostgreSQL server of Temporal's own two databases (temporal, temporal_visibility); empty: one the command starts under MOHLA_DATA_DIR/cluster on port 5433.",
  },
  DATABASE_URL: {
    default: 'postgres://postgres@127.0.0.1:5432/mohla',
    doc: 'PostgreSQL holding the projections (inbox, applications). The database is created if missing.',
  },
  REDIS_URL: { default: 'redis://127.0.0.1:6379', doc: 'Redis for the notification queues.' },
  NOTIFY_QUEUE_PREFIX: { default: 'mohla', doc: 'Redis key prefix of the notification queues (one per deployment sharing a Redis).' },
  NOTIFY_SMS_PROVIDER: { default: 'outbox', doc: 'Who sends SMS: `outbox` (files under MOHLA_DATA_DIR/outbox) or `gateway` (SMS_GATEWAY_URL).' },
  NOTIFY_EMAIL_PROVIDER: { default: 'outbox', doc: 'Who sends e-mail: `outbox` (files under MOHLA_DATA_DIR/outbox) or `smtp` (SMTP_URL).' },
  NOTIFY_SMS_RATE: { default: '10/1s', doc: 'Most SMS sent per period, across every worker: `<count>/<period>` with ms, s or m (e.g. 100/1m).' },
  NOTIFY_EMAIL_RATE: { default: '20/1s', doc: 'Most e-mails sent per period, across every worker (same form as NOTIFY_SMS_RATE).' },
  NOTIFY_ATTEMPTS: { default: '8', doc: 'Attempts per message before it joins the failed list (about an hour with the default backoff).' },
  NOTIFY_BACKOFF_MS: { default: '15000', doc: 'First retry delay of a message; each further retry waits twice as long.' },
  NOTIFY_DEFAULT_LANGUAGE: { default: 'fr', doc: 'Language (ar, fr, en) of citizens whose form gives none.' },
  SMTP_URL: { default: '', doc: 'SMTP server for NOTIFY_EMAIL_PROVIDER=smtp, e.g. smtps://user:password@mail.example.ma:465.' },
  SMTP_FROM: { default: 'Mohla <no-reply@mohla.local>', doc: 'Sender of the e-mails.' },
  SMS_GATEWAY_URL: { default: '', doc: 'HTTP endpoint of the SMS gateway (POST) for NOTIFY_SMS_PROVIDER=gateway.' },
  SMS_GATEWAY_AUTHORIZATION: { default: '', doc: 'Authorization header sent to the SMS gateway, e.g. `Bearer <key>` (user:password in the URL also works).' },
  SMS_GATEWAY_PAYLOAD: {
    default: '{"to":"{{to}}","text":"{{text}}","reference":"{{id}}"}',
    doc: 'JSON body sent to the SMS gateway; {{to}}, {{text}}, {{id}} and {{language}} are replaced in its strings.',
  },
  HOST: { default: '127.0.0.1', doc: 'Address the HTTP API listens on.' },
  PORT: { default: '3000', doc: 'Port of the HTTP API.' },
  MOHLA_API_URL: { default: '', doc: 'Where CLI commands that act on a running Mohla find its API; empty: http://HOST:PORT.' },
  MOHLA_DATA_DIR: { default: '.data', doc: 'Local state for `mohla dev` (Temporal database, embedded services).' },
  MOHLA_PROCEDURES_DIR: { default: 'procedures', doc: 'Folder of the shipped procedure definitions.' },
  WORKER_CACHED_APPLICATIONS: {
    default: '',
    doc: "How many applications the worker keeps in memory between their events (the Temporal SDK's `maxCachedWorkflows`); empty: the SDK's default, sized on the V8 heap (about 2,300 with Node's default heap). Each costs 0.2 to 0.4 MiB; an application outside it is replayed from its history when it next wakes, which costs more CPU than the event itself.",
  },
  MOHLA_WORKFLOW_BUNDLE: {
    default: '',
    doc: 'Path of a prebuilt workflow bundle for the worker; empty: bundle workflows/ at start.',
  },
  JWT_SECRET: {
    default: '',
    doc: 'Secret that signs bearer tokens and receipt PINs. Required when NODE_ENV=production; development uses a fixed, public one.',
  },
  BENCH_TASKS: { default: '100000', doc: '`npm run bench:inbox` only: how many tasks to seed.' },
  BENCH_QUERIES: { default: '300', doc: '`npm run bench:inbox` only: how many queries of each kind.' },
  BENCH_TIMERS: {
    default: '20000',
    doc: '`npm run bench` and `bench:timers` only: open applications waiting on expiring deadlines in the timers benchmark.',
  },
  BENCH_TIMERS_WINDOW: {
    default: '400',
    doc: '`npm run bench` and `bench:timers` only: seconds over which the timers benchmark files its applications, and over which their deadlines then fall due.',
  },
  BENCH_THROUGHPUT_SECONDS: { default: '60', doc: '`npm run bench` only: how long each side of the throughput comparison runs.' },
  BENCH_CLIENTS: { default: '16', doc: '`npm run bench` only: concurrent clients in the throughput comparison.' },
  BENCH_PROFILE: { default: '', doc: '`npm run bench` only: `1` writes V8 CPU profiles of the worker processes to bench/results/profiles/.' },
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
  worker: { cachedApplications?: number };
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

export function positiveInteger(name: EnvironmentVariable, source: NodeJS.ProcessEnv): number {
  const raw = env(name, source);
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`${name}=${raw} is not a positive whole number.`);
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
    worker: { cachedApplications: env('WORKER_CACHED_APPLICATIONS', source) ? positiveInteger('WORKER_CACHED_APPLICATIONS', source) : undefined },
  };
}

