import path from 'node:path';
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { CodecKeyError, parseCodecKeys, type CodecKey } from './payload-codec.js';

/**
 * Every environment variable Mohla reads, with its embedded default. Documentation (README) and the
 * docker-compose check are driven from this list, so a variable cannot be read without being declared.
 */
export const ENVIRONMENT = {
  TEMPORAL_ADDRESS: { default: '127.0.0.1:7233', doc: 'Temporal frontend (host:port).' },
  TEMPORAL_NAMESPACE: { default: 'default', doc: 'Temporal namespace of the applications.' },
  TEMPORAL_TASK_QUEUE: { default: 'mohla-procedures', doc: 'Task queue the worker polls.' },
  TEMPORAL_UI_PORT: { default: '8233', doc: '`mohla dev` and `mohla cluster`: port of the Temporal Web UI.' },
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
    default: 'postgres://mohla@127.0.0.1:5432/mohla',
    doc: "PostgreSQL holding the projections (inbox, applications), as Mohla's own role: `mohla migrate` creates it and makes it a member of mohla_app, which may not alter the audit log.",
  },
  DATABASE_ADMIN_URL: {
    default: '',
    doc: 'PostgreSQL as an administrator who owns the tables: creates the database and runs the migrations. Empty: DATABASE_URL as the user postgres, without password.',
  },
  REDIS_URL: { default: 'redis://127.0.0.1:6379', doc: 'Redis for the notification queues.' },
  NOTIFY_QUEUE_PREFIX: { default: 'mohla', doc: "Redis key prefix of the notification queues and of the kiosk's PIN counters (one per deployment sharing a Redis)." },
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
  HOST: { default: '127.0.0.1', doc: "Address the HTTP API, and the worker's health listener, listen on." },
  PORT: { default: '3000', doc: 'Port of the HTTP API.' },
  TRUST_PROXY: {
    default: '',
    doc: "The reverse proxies in front of the API, whose X-Forwarded-For names the caller's address for the rate limits and the kiosk's PIN attempts: their addresses or CIDR ranges, comma-separated, or a number of proxy hops. Empty: the connecting address is the caller's.",
  },
  METRICS_PORT: {
    default: '',
    doc: "Port of the process's Prometheus endpoint (GET /metrics): the API's figures in the API, the notification sends and projection lag in the worker; on HOST, never published to citizens; empty: no endpoint. Needs METRICS_TOKEN.",
  },
  METRICS_TOKEN: { default: '', doc: 'Bearer token Prometheus sends to GET /metrics (at least 32 characters, e.g. `openssl rand -hex 32`).' },
  MOHLA_API_URL: { default: '', doc: 'Where CLI commands that act on a running Mohla find its API; empty: http://HOST:PORT.' },
  MOHLA_DATA_DIR: { default: '.data', doc: 'Local state for `mohla dev` (Temporal database, embedded services).' },
  MOHLA_PROCEDURES_DIR: { default: 'procedures', doc: 'Folder of the shipped procedure definitions.' },
  WORKER_CACHED_APPLICATIONS: {
    default: '',
    doc: "How many applications the worker keeps in memory between their events (the Temporal SDK's `maxCachedWorkflows`); empty: the SDK's default, sized on the V8 heap (about 2,300 with Node's default heap). Each costs 0.2 to 0.4 MiB; an application outside it is replayed from its history when it next wakes, which costs more CPU than the event itself.",
  },
  WORKER_HEALTH_PORT: {
    default: '3001',
    doc: "Port of the worker's health listener (GET /health/live, /health/ready), on HOST like the API; 0: no listener.",
  },
  WORKER_INCIDENT_ATTEMPTS: {
    default: '5',
    doc: 'Attempts of one activity after which the worker records an incident (kind activity-retrying, or service-down for a remote system that is down); see the operations guide.',
  },
  SERVICE_ENDPOINTS: {
    default: '',
    doc: 'Service activities answered by a remote system instead of the built-in answer, as `activity=URL` pairs separated by commas (e.g. `fetchCivilStatusRecord=https://registry.example/records`); the worker POSTs the request as JSON.',
  },
  WORKER_SDK_METRICS_PORT: {
    default: '',
    doc: "Port on which the worker's Temporal SDK serves its own Prometheus metrics (temporal_*: pollers, workflow and activity tasks, latencies) at /metrics, on HOST, without any token; empty: not served.",
  },
  MOHLA_WORKFLOW_BUNDLE: {
    default: '',
    doc: 'Path of a prebuilt workflow bundle for the worker; empty: bundle workflows/ at start.',
  },
  DOCUMENT_FILES_PER_SLOT: {
    default: '5',
    doc: 'Most files an application may hold for one document of its procedure (different contents; the same bytes again count once).',
  },
  DOCUMENT_KEYS_DIR: {
    default: '',
    doc: 'Directory of the Ed25519 keys (PEM) that sign issued documents: one private key, which signs, and the public keys of retired ones, which still verify; all are published at /.well-known/mohla-document-keys.json. Required when NODE_ENV=production; development generates one in MOHLA_DATA_DIR/document-keys.',
  },
  DOCUMENT_PADES_P12: {
    default: '',
    doc: "PKCS#12 file of the office's RSA certificate and key: issued documents then also carry a PAdES signature a PDF reader shows. Empty: the Ed25519 signature only.",
  },
  DOCUMENT_PADES_PASSPHRASE: { default: '', doc: 'Passphrase of DOCUMENT_PADES_P12.' },
  DOCUMENT_PADES_NAME: { default: 'Mohla', doc: 'Who the PAdES signature names as signer (the certificate names its holder too).' },
  DOCUMENT_PADES_LOCATION: { default: 'Maroc', doc: 'Where the PAdES signature says it was made.' },
  PUBLIC_URL: {
    default: '',
    doc: "The portal's address as citizens reach it (https://…), which issued documents print and carry in their QR code (PUBLIC_URL/verify/CODE, which sends a browser on to the verification page). Required when NODE_ENV=production; empty in development: http://HOST:PORT.",
  },
  RATE_LIMIT_AUTHENTICATION: { default: '20/1m', doc: 'Most sign-in requests (every route under /auth/) per caller address and period, in the form of NOTIFY_SMS_RATE; more answer 429 with Retry-After.' },
  RATE_LIMIT_FILING: { default: '30/1m', doc: 'Most filings (POST /applications) per person and period, a counter agent included.' },
  RATE_LIMIT_TRACKING: { default: '60/1m', doc: "Most kiosk look-ups (POST /track, /track/receipt.html) per caller address and period, besides the wrong-PIN limit." },
  RATE_LIMIT_VERIFICATION: { default: '60/1m', doc: 'Most checks of issued documents (GET /verify/CODE, POST /verify) per caller address and period.' },
  JWT_SECRET: {
    default: '',
    doc: 'Secret that signs bearer tokens and receipt PINs. Required when NODE_ENV=production; development uses a fixed, public one.',
  },
  TOKEN_MAX_LIFETIME_SECONDS: {
    default: '43200',
    doc: 'Longest lifetime (exp − iat) of a bearer token Mohla accepts, from any issuer; a token without exp or iat, or living longer, is refused.',
  },
  TOKEN_CLOCK_SKEW_SECONDS: {
    default: '60',
    doc: "How far the issuer's clock may be from ours: an iat further in the future, or an exp further in the past, is refused.",
  },
  OIDC_ISSUER: {
    default: '',
    doc: "An OpenID provider's issuer URL: bearer tokens signed by it (RS256, ES256, keys from its JWKS) are accepted, and the web offers its sign-in. Empty: no identity provider.",
  },
  OIDC_AUDIENCE: { default: '', doc: "The audience (aud) Mohla's tokens from the provider carry; empty: OIDC_CLIENT_ID." },
  OIDC_CLIENT_ID: { default: '', doc: "The web sign-in's client at the provider (a public client: authorization code with PKCE, no secret)." },
  OIDC_SCOPES: { default: 'openid profile', doc: 'Scopes the web sign-in asks the provider for.' },
  OIDC_ROLE_CLAIM: {
    default: 'roles',
    doc: "Claim holding the person's roles (a string or a list; a dotted path reaches into objects, e.g. realm_access.roles).",
  },
  OIDC_ROLE_MAP: {
    default: '',
    doc: "How the provider's role names become Mohla's: `provider-name=role,…` (e.g. `mohla-agents=agent,mohla-auditors=auditor`); empty: names equal to Mohla's roles. Unmapped names are ignored; a token mapping to two roles is refused.",
  },
  OIDC_DEFAULT_ROLE: { default: '', doc: 'Role of a token whose claims map to none (e.g. `citizen` for a citizens\' provider); empty: such a token is refused.' },
  OIDC_OFFICES_CLAIM: { default: 'offices', doc: "Claim holding the offices a member of staff works for (a list or a space-separated string; dotted path allowed)." },
  AUDIT_SIGNING_KEY: {
    default: '',
    doc: 'PEM file of the Ed25519 private key that signs the audit checkpoints; keep it where the database cannot read it. Required when NODE_ENV=production; development generates one in MOHLA_DATA_DIR.',
  },
  AUDIT_PREVIOUS_KEYS: { default: '', doc: 'PEM file of the public keys of earlier audit signing keys, so that checkpoints signed before a rotation still verify.' },
  AUDIT_CHECKPOINT_DIR: { default: '', doc: 'Directory the signed audit checkpoints are written to (never rewritten); empty: MOHLA_DATA_DIR/audit-checkpoints.' },
  AUDIT_CHECKPOINT_MINUTES: { default: '15', doc: 'How often the worker signs a checkpoint of the audit log when it has grown.' },
  AUDIT_TSA_URL: { default: '', doc: 'RFC 3161 time-stamp authority that time-stamps each audit checkpoint (HTTP, application/timestamp-query); empty: none.' },
  AUDIT_TSA_CA_FILE: { default: '', doc: "PEM file of the time-stamp authority's CA certificate, with which `mohla audit verify` checks the time-stamps." },
  TEMPORAL_CODEC_KEYS: {
    default: '',
    doc: 'Keys that encrypt what Temporal stores (AES-256-GCM): `id:base64key,…`, 32 random bytes each (`openssl rand -base64 32`); the first encrypts, all decrypt (keep old ones while any history needs them). Required when NODE_ENV=production; development uses a fixed, public key.',
  },
  TEMPORAL_UI_ORIGINS: {
    default: '',
    doc: 'Origins of the Temporal UI allowed to call the codec endpoint (/codec) with credentials, comma-separated; empty: none in production, the local UI (http://127.0.0.1 and http://localhost on TEMPORAL_UI_PORT) in development.',
  },
  CODEC_SESSION_MINUTES: { default: '15', doc: 'How long the codec session cookie (POST /codec/session) lets the Temporal UI decode payloads.' },
  BENCH_TASKS: { default: '1000000', doc: '`npm run bench:inbox` only: how many open tasks to load.' },
  BENCH_QUERIES: { default: '300', doc: '`npm run bench:inbox` only: how many queries of each kind.' },
  BENCH_TIMERS: {
    default: '20000',
    doc: '`npm run bench` and `bench:timers` only: open applications waiting on expiring deadlines in the timers benchmark.',
  },
  BENCH_TIMERS_WINDOW: {
    default: '400',
    doc: '`npm run bench` and `bench:timers` only: seconds over which the timers benchmark files its applications, and over which their deadlines then fall due.',
  },
  BENCH_TEMPORAL: {
    default: 'dev-server',
    doc: "`npm run bench`, `bench:throughput` and `bench:timers` only: the Temporal they start, `dev-server` (the CLI's, one process on SQLite) or `cluster` (four service processes on a PostgreSQL of their own); `npm run bench:cluster` always runs on a cluster.",
  },
  BENCH_THROUGHPUT_SECONDS: { default: '60', doc: '`npm run bench` only: how long each side of the throughput comparison runs.' },
  BENCH_CLIENTS: { default: '16', doc: '`npm run bench` only: concurrent clients in the throughput comparison.' },
  BENCH_PROFILE: { default: '', doc: '`npm run bench` only: `1` writes V8 CPU profiles of the worker processes to bench/results/profiles/.' },
  NODE_ENV: { default: 'development', doc: '`production` turns development conveniences off.' },
  LOG_LEVEL: { default: 'info', doc: 'Log level of the API, the worker and the CLI (fatal, error, warn, info, debug, trace, silent); logs are JSON lines (docs/operations.md).' },
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    default: '',
    doc: 'OpenTelemetry collector receiving traces over OTLP/HTTP (JSON), e.g. `http://otel-collector:4318`; spans are posted to `<endpoint>/v1/traces`. Empty: no tracing.',
  },
  OTEL_SERVICE_NAME: { default: '', doc: 'The service name on exported spans; empty: `mohla-api` for the API, `mohla-worker` for the worker.' },
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
  /** Creates the database, migrates, and creates Mohla's role; the API and the worker never use it. */
  databaseAdminUrl: string;
  redisUrl: string;
  /** `trustProxy`: which connecting addresses are proxies whose X-Forwarded-For is believed (fastify's option). */
  http: { host: string; port: number; trustProxy?: string | number };
  dataDir: string;
  proceduresDir: string;
  production: boolean;
  logLevel: string;
  /** Where spans go (OTLP/HTTP); no endpoint, no tracing. */
  tracing: { endpoint?: string; serviceName?: string };
  jwtSecret: string;
  tokens: TokenRules;
  /** The OpenID provider whose tokens are accepted; absent when OIDC_ISSUER is empty. */
  oidc?: OidcSettings;
  /** `healthPort` 0: the worker process opens no health listener; no `sdkMetricsPort`: the SDK serves no metrics. */
  worker: { cachedApplications?: number; healthPort: number; sdkMetricsPort?: number; incidentAttempts: number; serviceEndpoints: Record<string, string> };
  documents: DocumentSettings;
  rateLimits: { authentication: Rate; filing: Rate; tracking: Rate; verification: Rate };
  audit: AuditConfig;
  /** Keys of the Temporal payload codec, the encrypting one first. */
  codecKeys: CodecKey[];
  codec: { uiOrigins: string[]; sessionMinutes: number };
  /** The Prometheus endpoint's own listener and token; absent when METRICS_PORT is empty. */
  metrics?: MetricsEndpointSettings;
}

export interface MetricsEndpointSettings {
  port: number;
  token: string;
}

export interface TokenRules {
  maxLifetimeSeconds: number;
  clockSkewSeconds: number;
}

export interface OidcSettings {
  issuer: string;
  audience: string;
  clientId: string;
  scopes: string;
  roleClaim: string;
  /** Provider role name → Mohla role; empty: the provider uses Mohla's names. */
  roleMap: Record<string, string>;
  defaultRole?: string;
  officesClaim: string;
}

export interface DocumentSettings {
  filesPerSlot: number;
  /** DOCUMENT_KEYS_DIR resolved; empty: the development keys in the data directory (refused in production). */
  keysDir: string;
  /** Where the QR code of an issued document leads, without a trailing slash; empty in production when PUBLIC_URL is not set. */
  publicUrl: string;
  /** The PAdES signature's certificate (DOCUMENT_PADES_P12); none: the Ed25519 signature only. */
  pades?: { p12Path: string; passphrase: string; name: string; location: string };
}

export interface AuditConfig {
  /** Empty: the development key in the data directory (refused in production). */
  signingKeyPath: string;
  previousKeysPath: string;
  checkpointDir: string;
  checkpointMinutes: number;
  tsaUrl: string;
  tsaCaFile: string;
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

/** At most `max` events in each period of `durationMs`. */
export interface Rate {
  max: number;
  durationMs: number;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** "10/1s", "100/1m", "5/500ms": at most `max` in each period. */
export function parseRate(name: string, raw: string): Rate {
  const match = /^\s*(\d+)\s*\/\s*(\d*)\s*(ms|s|m)\s*$/.exec(raw);
  const max = Number(match?.[1]);
  const durationMs = Number(match?.[2] || 1) * (UNITS[match?.[3] ?? ''] ?? NaN);
  if (!match || !(max > 0) || !(durationMs > 0)) throw new ConfigError(`${name}=${raw} is not a rate like 10/1s or 100/1m.`);
  return { max, durationMs };
}

function jwtSecret(source: NodeJS.ProcessEnv): string {
  const secret = env('JWT_SECRET', source);
  if (env('NODE_ENV', source) !== 'production') return secret || DEVELOPMENT_JWT_SECRET;
  if (!secret) throw new ConfigError('JWT_SECRET is required when NODE_ENV=production: set it to a long random value.');
  if (secret === DEVELOPMENT_JWT_SECRET) throw new ConfigError('JWT_SECRET is the public development secret: set it to a long random value when NODE_ENV=production.');
  if (secret.length < 32) throw new ConfigError('JWT_SECRET must be at least 32 characters long.');
  return secret;
}

/** SERVICE_ENDPOINTS: `activity=URL` pairs, each URL http(s). */
function serviceEndpoints(source: NodeJS.ProcessEnv): Record<string, string> {
  const endpoints: Record<string, string> = {};
  for (const pair of env('SERVICE_ENDPOINTS', source).split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = pair.indexOf('=');
    const name = pair.slice(0, at).trim();
    const url = pair.slice(at + 1).trim();
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (at < 1 || !parsed || !['http:', 'https:'].includes(parsed.protocol)) throw new ConfigError(`SERVICE_ENDPOINTS: "${pair}" is not activity=http(s) URL.`);
    endpoints[name] = parsed.href;
  }
  return endpoints;
}

function nonNegativeInteger(name: EnvironmentVariable, source: NodeJS.ProcessEnv): number {
  const raw = env(name, source);
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(`${name}=${raw} is not a whole number of seconds.`);
  return value;
}

const ROLE_NAMES = ['citizen', 'agent', 'supervisor', 'designer', 'auditor', 'admin'];

function oidcSettings(source: NodeJS.ProcessEnv): OidcSettings | undefined {
  const issuer = env('OIDC_ISSUER', source);
  if (!issuer) return undefined;
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new ConfigError(`OIDC_ISSUER=${issuer} is not a URL.`);
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    throw new ConfigError(`OIDC_ISSUER=${issuer} must use https (plain http only for a provider on this machine).`);
  }
  const clientId = env('OIDC_CLIENT_ID', source);
  const audience = env('OIDC_AUDIENCE', source) || clientId;
  if (!audience) throw new ConfigError('OIDC_AUDIENCE (or OIDC_CLIENT_ID) is required with OIDC_ISSUER: tokens meant for another service must not be accepted.');
  const roleMap: Record<string, string> = {};
  for (const pair of env('OIDC_ROLE_MAP', source).split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = pair.lastIndexOf('=');
    const [from, to] = [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
    if (at < 1 || !ROLE_NAMES.includes(to)) throw new ConfigError(`OIDC_ROLE_MAP: "${pair}" is not provider-name=role with a role among ${ROLE_NAMES.join(', ')}.`);
    roleMap[from] = to;
  }
  const defaultRole = env('OIDC_DEFAULT_ROLE', source);
  if (defaultRole && !ROLE_NAMES.includes(defaultRole)) throw new ConfigError(`OIDC_DEFAULT_ROLE=${defaultRole} is not one of ${ROLE_NAMES.join(', ')}.`);
  return {
    issuer,
    audience,
    clientId,
    scopes: env('OIDC_SCOPES', source),
    roleClaim: env('OIDC_ROLE_CLAIM', source),
    roleMap,
    ...(defaultRole ? { defaultRole } : {}),
    officesClaim: env('OIDC_OFFICES_CLAIM', source),
  };
}

function databaseAdminUrl(source: NodeJS.ProcessEnv): string {
  const configured = env('DATABASE_ADMIN_URL', source);
  if (configured) return configured;
  const url = new URL(env('DATABASE_URL', source));
  url.username = 'postgres';
  url.password = '';
  return url.href;
}

function auditConfig(source: NodeJS.ProcessEnv): AuditConfig {
  const dataDir = path.resolve(PROJECT_ROOT, env('MOHLA_DATA_DIR', source));
  const file = (name: EnvironmentVariable) => (env(name, source) ? path.resolve(env(name, source)) : '');
  return {
    signingKeyPath: file('AUDIT_SIGNING_KEY'),
    previousKeysPath: file('AUDIT_PREVIOUS_KEYS'),
    checkpointDir: file('AUDIT_CHECKPOINT_DIR') || path.join(dataDir, 'audit-checkpoints'),
    checkpointMinutes: positiveInteger('AUDIT_CHECKPOINT_MINUTES', source),
    tsaUrl: env('AUDIT_TSA_URL', source),
    tsaCaFile: file('AUDIT_TSA_CA_FILE'),
  };
}

/**
 * Development only, like the JWT secret: anyone can read it here, so what it encrypts is not protected.
 * Production refuses it as the encrypting key, but may keep it to read histories recorded with it.
 */
const DEVELOPMENT_CODEC_KEYS = 'dev:bW9obGEtZGV2ZWxvcG1lbnQta2V5LXB1YmxpYy0zMmI=';

function codecKeys(source: NodeJS.ProcessEnv): CodecKey[] {
  const given = env('TEMPORAL_CODEC_KEYS', source);
  const production = env('NODE_ENV', source) === 'production';
  if (production && !given) throw new ConfigError('TEMPORAL_CODEC_KEYS is required when NODE_ENV=production: id:base64key with 32 random bytes (openssl rand -base64 32).');
  try {
    const keys = parseCodecKeys(given || DEVELOPMENT_CODEC_KEYS);
    const development = parseCodecKeys(DEVELOPMENT_CODEC_KEYS)[0]!;
    if (production && keys[0]!.key.equals(development.key)) {
      throw new ConfigError('TEMPORAL_CODEC_KEYS: the public development key cannot encrypt in production; put a new key first.');
    }
    return keys;
  } catch (err) {
    if (err instanceof CodecKeyError) throw new ConfigError(err.message);
    throw err;
  }
}

/**
 * Believing every X-Forwarded-For would let any caller name a new address at each request and so escape
 * every per-address limit: only named proxies, or a fixed number of hops in front, are trusted.
 */
function trustProxy(source: NodeJS.ProcessEnv): { trustProxy?: string | number } {
  const given = env('TRUST_PROXY', source).trim();
  if (!given) return {};
  if (/^\d+$/.test(given)) {
    const hops = Number(given);
    if (hops < 1 || hops > 10) throw new ConfigError(`TRUST_PROXY: ${given} hops; give between 1 and 10 proxies in front of the API.`);
    return { trustProxy: hops };
  }
  const entries = given.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const [address, prefix, ...rest] = entry.split('/');
    const family = isIP(address ?? '');
    const bits = family === 6 ? 128 : 32;
    const prefixOk = prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= bits);
    if (!family || !prefixOk || rest.length) {
      throw new ConfigError(`TRUST_PROXY: ${entry} is not an address or CIDR range (e.g. 10.0.0.5 or 10.0.0.0/24); name the proxies, or give a number of hops.`);
    }
  }
  return { trustProxy: entries.join(',') };
}

function uiOrigins(source: NodeJS.ProcessEnv): string[] {
  const given = env('TEMPORAL_UI_ORIGINS', source);
  if (!given) {
    if (env('NODE_ENV', source) === 'production') return [];
    const uiPort = port('TEMPORAL_UI_PORT', source);
    return [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`];
  }
  return given.split(',').map((origin) => {
    const trimmed = origin.trim();
    let parsed: URL;
    try {
      parsed = new URL(trimmed);
    } catch {
      throw new ConfigError(`TEMPORAL_UI_ORIGINS: ${trimmed} is not an origin (scheme://host[:port]).`);
    }
    if (parsed.origin !== trimmed.replace(/\/$/, '')) throw new ConfigError(`TEMPORAL_UI_ORIGINS: ${trimmed} is not an origin (scheme://host[:port], no path).`);
    return parsed.origin;
  });
}

/**
 * The address printed in every document's QR code outlives the deployment that printed it: production
 * must name it, and a development default must still be a URL the renderer accepts.
 */
function publicUrl(source: NodeJS.ProcessEnv): string {
  const given = env('PUBLIC_URL', source).trim();
  // Production without one is refused where documents are issued and verified (documents/key-ring.ts),
  // so that commands which never touch a document still run.
  if (!given) return env('NODE_ENV', source) === 'production' ? '' : `http://${env('HOST', source)}:${env('PORT', source)}`;
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new ConfigError(`PUBLIC_URL=${given} is not a URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`PUBLIC_URL=${given} must be an http or https address.`);
  if (url.search || url.hash) throw new ConfigError(`PUBLIC_URL=${given} must not hold a query or a fragment.`);
  return url.href.replace(/\/+$/, '');
}

function documentSettings(source: NodeJS.ProcessEnv): DocumentSettings {
  const keysDir = env('DOCUMENT_KEYS_DIR', source);
  const p12 = env('DOCUMENT_PADES_P12', source);
  return {
    filesPerSlot: positiveInteger('DOCUMENT_FILES_PER_SLOT', source),
    keysDir: keysDir ? path.resolve(keysDir) : '',
    publicUrl: publicUrl(source),
    ...(p12
      ? {
          pades: {
            p12Path: path.resolve(p12),
            passphrase: env('DOCUMENT_PADES_PASSPHRASE', source),
            name: env('DOCUMENT_PADES_NAME', source),
            location: env('DOCUMENT_PADES_LOCATION', source),
          },
        }
      : {}),
  };
}

/** A metrics port without a token would show every office's workload to whoever reaches it. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function logLevel(source: NodeJS.ProcessEnv): string {
  const level = env('LOG_LEVEL', source).toLowerCase();
  if (!LOG_LEVELS.includes(level)) throw new ConfigError(`LOG_LEVEL=${level} is not one of ${LOG_LEVELS.join(', ')}.`);
  return level;
}

/** Where OpenTelemetry's spans go: an http(s) URL, or nowhere. */
function tracing(source: NodeJS.ProcessEnv): Config['tracing'] {
  const endpoint = env('OTEL_EXPORTER_OTLP_ENDPOINT', source);
  const serviceName = env('OTEL_SERVICE_NAME', source);
  if (endpoint && !/^https?:\/\/[^/\s]+/.test(endpoint)) throw new ConfigError(`OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint} is not an http(s) URL.`);
  return { ...(endpoint ? { endpoint } : {}), ...(serviceName ? { serviceName } : {}) };
}

function metricsEndpoint(source: NodeJS.ProcessEnv): MetricsEndpointSettings | undefined {
  if (!env('METRICS_PORT', source)) return undefined;
  const token = env('METRICS_TOKEN', source);
  if (token.length < 32) throw new ConfigError('METRICS_TOKEN must be set to at least 32 characters when METRICS_PORT is set.');
  return { port: port('METRICS_PORT', source), token };
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const oidc = oidcSettings(source);
  const metrics = metricsEndpoint(source);
  return {
    temporal: {
      address: env('TEMPORAL_ADDRESS', source),
      namespace: env('TEMPORAL_NAMESPACE', source),
      taskQueue: env('TEMPORAL_TASK_QUEUE', source),
      uiPort: port('TEMPORAL_UI_PORT', source),
    },
    databaseUrl: env('DATABASE_URL', source),
    databaseAdminUrl: databaseAdminUrl(source),
    redisUrl: env('REDIS_URL', source),
    http: { host: env('HOST', source), port: port('PORT', source), ...trustProxy(source) },
    dataDir: path.resolve(PROJECT_ROOT, env('MOHLA_DATA_DIR', source)),
    proceduresDir: path.resolve(PROJECT_ROOT, env('MOHLA_PROCEDURES_DIR', source)),
    production: env('NODE_ENV', source) === 'production',
    logLevel: logLevel(source),
    tracing: tracing(source),
    jwtSecret: jwtSecret(source),
    tokens: {
      maxLifetimeSeconds: positiveInteger('TOKEN_MAX_LIFETIME_SECONDS', source),
      clockSkewSeconds: nonNegativeInteger('TOKEN_CLOCK_SKEW_SECONDS', source),
    },
    ...(oidc ? { oidc } : {}),
    worker: {
      cachedApplications: env('WORKER_CACHED_APPLICATIONS', source) ? positiveInteger('WORKER_CACHED_APPLICATIONS', source) : undefined,
      healthPort: port('WORKER_HEALTH_PORT', source),
      ...(env('WORKER_SDK_METRICS_PORT', source) ? { sdkMetricsPort: port('WORKER_SDK_METRICS_PORT', source) } : {}),
      incidentAttempts: positiveInteger('WORKER_INCIDENT_ATTEMPTS', source),
      serviceEndpoints: serviceEndpoints(source),
    },
    documents: documentSettings(source),
    rateLimits: {
      authentication: parseRate('RATE_LIMIT_AUTHENTICATION', env('RATE_LIMIT_AUTHENTICATION', source)),
      filing: parseRate('RATE_LIMIT_FILING', env('RATE_LIMIT_FILING', source)),
      tracking: parseRate('RATE_LIMIT_TRACKING', env('RATE_LIMIT_TRACKING', source)),
      verification: parseRate('RATE_LIMIT_VERIFICATION', env('RATE_LIMIT_VERIFICATION', source)),
    },
    audit: auditConfig(source),
    codecKeys: codecKeys(source),
    codec: { uiOrigins: uiOrigins(source), sessionMinutes: positiveInteger('CODEC_SESSION_MINUTES', source) },
    ...(metrics ? { metrics } : {}),
  };
}

