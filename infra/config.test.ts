import { describe, expect, it } from 'vitest';
import { ConfigError, DEVELOPMENT_JWT_SECRET, loadConfig } from './config.js';
import { workerTelemetryOptions } from './worker-telemetry.js';

/** A codec key production accepts (not the public development one): 32 bytes, like `openssl rand -base64 32`. */
const PRODUCTION_CODEC_KEYS = `test:${Buffer.alloc(32, 7).toString('base64')}`;

describe('WORKER_CACHED_APPLICATIONS', () => {
  it("leaves the cache to the SDK's default when unset or empty", () => {
    expect(loadConfig({}).worker.cachedApplications).toBeUndefined();
    expect(loadConfig({ WORKER_CACHED_APPLICATIONS: '' }).worker.cachedApplications).toBeUndefined();
  });

  it('sizes the cache when set', () => {
    expect(loadConfig({ WORKER_CACHED_APPLICATIONS: '25000' }).worker.cachedApplications).toBe(25000);
  });

  it('refuses anything but a positive whole number, naming the variable', () => {
    for (const bad of ['0', '-5', '2.5', 'lots']) {
      expect(() => loadConfig({ WORKER_CACHED_APPLICATIONS: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ WORKER_CACHED_APPLICATIONS: bad })).toThrow(`WORKER_CACHED_APPLICATIONS=${bad} is not a positive whole number.`);
    }
  });
});

describe('WORKER_HEALTH_PORT', () => {
  it('opens the health listener on 3001 unless told otherwise, and none at 0', () => {
    expect(loadConfig({}).worker.healthPort).toBe(3001);
    expect(loadConfig({ WORKER_HEALTH_PORT: '9101' }).worker.healthPort).toBe(9101);
    expect(loadConfig({ WORKER_HEALTH_PORT: '0' }).worker.healthPort).toBe(0);
  });

  it('refuses what is not a port, naming the variable', () => {
    expect(() => loadConfig({ WORKER_HEALTH_PORT: '70000' })).toThrow('WORKER_HEALTH_PORT=70000 is not a TCP port (0–65535).');
  });
});

describe('rate limits and uploads', () => {
  it('takes the limits from the environment, with safe defaults', () => {
    expect(loadConfig({}).rateLimits).toEqual({
      authentication: { max: 20, durationMs: 60_000 },
      filing: { max: 30, durationMs: 60_000 },
      tracking: { max: 60, durationMs: 60_000 },
      verification: { max: 60, durationMs: 60_000 },
    });
    expect(loadConfig({ RATE_LIMIT_FILING: '5/10s' }).rateLimits).toMatchObject({ filing: { max: 5, durationMs: 10_000 } });
    expect(loadConfig({}).documents.filesPerSlot).toBe(5);
  });

  it('refuses a limit that is not a rate, naming the variable', () => {
    expect(() => loadConfig({ RATE_LIMIT_TRACKING: 'often' })).toThrow('RATE_LIMIT_TRACKING=often is not a rate like 10/1s or 100/1m.');
    expect(() => loadConfig({ DOCUMENT_FILES_PER_SLOT: '0' })).toThrow('DOCUMENT_FILES_PER_SLOT=0 is not a positive whole number.');
  });
});

describe('TRUST_PROXY', () => {
  it('believes no proxy unless told, then the named addresses and ranges or a number of hops', () => {
    expect(loadConfig({}).http.trustProxy).toBeUndefined();
    expect(loadConfig({ TRUST_PROXY: ' 10.0.0.5, 10.1.0.0/16 ,fd00::/8' }).http.trustProxy).toBe('10.0.0.5,10.1.0.0/16,fd00::/8');
    expect(loadConfig({ TRUST_PROXY: '2' }).http.trustProxy).toBe(2);
  });

  it('refuses to believe every caller, and what is not an address, naming the variable', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow('TRUST_PROXY: true is not an address or CIDR range');
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' })).toThrow('TRUST_PROXY: 10.0.0.0/33 is not an address or CIDR range');
    expect(() => loadConfig({ TRUST_PROXY: '0' })).toThrow('TRUST_PROXY: 0 hops');
  });
});

describe('JWT_SECRET in production', () => {
  it('refuses the public development secret, naming the variable', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: DEVELOPMENT_JWT_SECRET, TEMPORAL_CODEC_KEYS: PRODUCTION_CODEC_KEYS };
    expect(() => loadConfig(production)).toThrow(ConfigError);
    expect(() => loadConfig(production)).toThrow(/^JWT_SECRET is the public development secret/);
    expect(loadConfig({ ...production, JWT_SECRET: 'x'.repeat(40) }).jwtSecret).toBe('x'.repeat(40));
  });
});

describe('OIDC settings', () => {
  it('are off without an issuer, and take the client id as audience by default', () => {
    expect(loadConfig({}).oidc).toBeUndefined();
    const oidc = loadConfig({ OIDC_ISSUER: 'https://id.example.ma/realms/commune', OIDC_CLIENT_ID: 'mohla-web', OIDC_ROLE_MAP: 'mohla-agents=agent, mohla-auditors=auditor' }).oidc;
    expect(oidc).toMatchObject({ audience: 'mohla-web', roleMap: { 'mohla-agents': 'agent', 'mohla-auditors': 'auditor' }, roleClaim: 'roles' });
  });

  it('refuse a plain-http issuer elsewhere, no audience, or a mapping to an unknown role', () => {
    expect(() => loadConfig({ OIDC_ISSUER: 'http://id.example.ma', OIDC_CLIENT_ID: 'web' })).toThrow(/^OIDC_ISSUER=.* must use https/);
    expect(() => loadConfig({ OIDC_ISSUER: 'https://id.example.ma' })).toThrow(/^OIDC_AUDIENCE/);
    expect(() => loadConfig({ OIDC_ISSUER: 'https://id.example.ma', OIDC_CLIENT_ID: 'web', OIDC_ROLE_MAP: 'staff=superuser' })).toThrow(/^OIDC_ROLE_MAP/);
  });
});

describe('token rules', () => {
  it('default to twelve hours of lifetime and a minute of skew, and refuse what is not a whole number of seconds', () => {
    expect(loadConfig({}).tokens).toEqual({ maxLifetimeSeconds: 43200, clockSkewSeconds: 60 });
    expect(loadConfig({ TOKEN_MAX_LIFETIME_SECONDS: '3600', TOKEN_CLOCK_SKEW_SECONDS: '0' }).tokens).toEqual({ maxLifetimeSeconds: 3600, clockSkewSeconds: 0 });
    expect(() => loadConfig({ TOKEN_MAX_LIFETIME_SECONDS: '0' })).toThrow(/^TOKEN_MAX_LIFETIME_SECONDS=0/);
    expect(() => loadConfig({ TOKEN_CLOCK_SKEW_SECONDS: '-1' })).toThrow(/^TOKEN_CLOCK_SKEW_SECONDS=-1/);
  });
});

describe('METRICS_PORT and METRICS_TOKEN', () => {
  const token = 'm'.repeat(32);

  it('open no metrics endpoint unless a port is given, then take the port and the token', () => {
    expect(loadConfig({}).metrics).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: token }).metrics).toBeUndefined();
    expect(loadConfig({ METRICS_PORT: '9464', METRICS_TOKEN: token }).metrics).toEqual({ port: 9464, token });
  });

  it('refuse a port without a long enough token, or what is not a port, naming the variable', () => {
    expect(() => loadConfig({ METRICS_PORT: '9464' })).toThrow(new ConfigError('METRICS_TOKEN must be set to at least 32 characters when METRICS_PORT is set.'));
    expect(() => loadConfig({ METRICS_PORT: '9464', METRICS_TOKEN: 'short' })).toThrow(/^METRICS_TOKEN /);
    expect(() => loadConfig({ METRICS_PORT: 'nine', METRICS_TOKEN: token })).toThrow(/^METRICS_PORT=nine /);
  });
});

describe('LOG_LEVEL', () => {
  it('is info unless told, in any case, and refuses a level pino does not know, naming the variable', () => {
    expect(loadConfig({}).logLevel).toBe('info');
    expect(loadConfig({ LOG_LEVEL: 'DEBUG' }).logLevel).toBe('debug');
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(/^LOG_LEVEL=verbose is not one of fatal, error, warn, info, debug, trace, silent\.$/);
  });
});

describe('OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_SERVICE_NAME', () => {
  it('trace nowhere unless an endpoint is given, then take it and the service name', () => {
    expect(loadConfig({}).tracing).toEqual({});
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318', OTEL_SERVICE_NAME: 'mohla-api-rabat' }).tracing).toEqual({ endpoint: 'http://otel-collector:4318', serviceName: 'mohla-api-rabat' });
  });

  it('refuse an endpoint that is not an http(s) URL, naming the variable', () => {
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'otel-collector:4318' })).toThrow(/^OTEL_EXPORTER_OTLP_ENDPOINT=otel-collector:4318 is not an http\(s\) URL\.$/);
  });
});

describe('WORKER_SDK_METRICS_PORT', () => {
  it("serves no SDK metrics unless a port is given, then binds the SDK's listener to HOST and that port", () => {
    expect(loadConfig({}).worker.sdkMetricsPort).toBeUndefined();
    expect(workerTelemetryOptions(loadConfig({}))).toEqual({});
    const bind = (env: NodeJS.ProcessEnv) => {
      const metrics = workerTelemetryOptions(loadConfig(env)).telemetryOptions?.metrics;
      return metrics && 'prometheus' in metrics ? metrics.prometheus : undefined;
    };
    expect(bind({ WORKER_SDK_METRICS_PORT: '9000' })).toEqual({ bindAddress: '127.0.0.1:9000', useSecondsForDurations: true });
    expect(bind({ WORKER_SDK_METRICS_PORT: '9000', HOST: '0.0.0.0' })?.bindAddress).toBe('0.0.0.0:9000');
    // An IPv6 address goes in brackets, or the port would read as part of it.
    expect(bind({ WORKER_SDK_METRICS_PORT: '9000', HOST: '::' })?.bindAddress).toBe('[::]:9000');
  });

  it('refuses what is not a port, naming the variable', () => {
    expect(() => loadConfig({ WORKER_SDK_METRICS_PORT: 'sdk' })).toThrow(/^WORKER_SDK_METRICS_PORT=sdk is not a TCP port/);
  });
});
