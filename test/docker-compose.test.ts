import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENVIRONMENT, PROJECT_ROOT } from '../infra/config.js';
import { searchAttributeFlags } from '../infra/temporal-server.js';
import { searchAttributes } from '../workflows/search-attributes.js';
import { DEFAULT_CLUSTER_PORTS } from '../infra/temporal-cluster-config.js';
import { TEMPORAL_SERVER_VERSION } from '../infra/temporal-cluster.js';
import { TEMPORAL_UI_VERSION, UI_CODEC_INCLUDES_CREDENTIALS } from '../infra/temporal-ui.js';
import { DEPLOYED_CONFIG_DIR, writeDeploymentConfig } from '../cli/cluster.js';
import { readDockerfile } from './helpers/dockerfile.js';
import Fastify from 'fastify';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Histogram } from 'prom-client';
import { createMetricsRegistry } from '../infra/metrics.js';
import { registerBusinessMetrics } from '../db/business-metrics.js';
import { registerQueueDepthMetrics } from '../notifications/queue-metrics.js';
import type { NotificationQueues } from '../notifications/queues.js';
import { registerDeliveryMetrics } from '../notifications/delivery-metrics.js';
import { registerRequestMetrics } from '../api/request-metrics.js';
import { projectionLagInterceptor } from '../worker/projection-lag.js';
import { promtool } from './helpers/promtool.js';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string>;
  depends_on?: Record<string, unknown> | string[];
  ports?: string[];
  healthcheck?: { test?: string[] };
  volumes?: string[];
  secrets?: string[];
}

const compose = parse(readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  secrets: Record<string, { file?: string; environment?: string }>;
};
const services = compose.services;
const mohlaServices = ['api', 'worker', 'migrate'];

/** Resolves `${VAR:-default}` the way Compose does when VAR is unset. */
const withDefaults = (value: string) => value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');

/** The host's port that a service publishes for one of its container's ports ("host:container"). */
function publishedPort(service: Service | undefined, containerPort: number): number | undefined {
  const mapping = service?.ports?.find((p) => p.split(':').at(-1) === String(containerPort));
  return mapping ? Number(mapping.split(':').at(-2)) : undefined;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (['node_modules', '.data', '.git', 'test'].includes(name)) return [];
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return full.endsWith('.ts') && !full.endsWith('.test.ts') ? [full] : [];
  });
}

describe('deploy/temporal', () => {
  it('is what `mohla cluster config` writes today, for the compose file\'s PostgreSQL and password', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'mohla-deploy-'));
    const temporal = services.temporal as Service & { volumes?: string[]; entrypoint?: string[] };
    const passwordVariable = Object.keys(temporal.environment ?? {})[0]!;
    writeDeploymentConfig(out, { databaseHost: 'postgres', passwordEnv: passwordVariable }, {});
    for (const file of ['mohla.yaml', 'dynamicconfig.yaml']) {
      expect(readFileSync(path.join(PROJECT_ROOT, 'deploy', 'temporal', file), 'utf8'), file).toBe(readFileSync(path.join(out, file), 'utf8'));
    }
    expect(temporal.volumes).toContain(`./deploy/temporal:${DEPLOYED_CONFIG_DIR}:ro`);
    // `start` joins --root and --config: the configuration folder is the root itself.
    const flag = (name: string) => temporal.entrypoint?.[temporal.entrypoint.indexOf(name) + 1];
    expect(path.join(flag('--root') ?? '.', flag('--config') ?? 'config')).toBe(DEPLOYED_CONFIG_DIR);
    expect(flag('--env')).toBe('mohla');
    expect(withDefaults(temporal.environment?.[passwordVariable] ?? '')).toBe(withDefaults(services.postgres?.environment?.POSTGRES_PASSWORD ?? ''));
    const config = parse(readFileSync(path.join(out, 'mohla.yaml'), 'utf8')) as { persistence: { numHistoryShards: number; datastores: Record<string, { sql: { user: string; connectAddr: string } }> } };
    expect(config.persistence.numHistoryShards).toBeGreaterThanOrEqual(8);
    for (const store of Object.values(config.persistence.datastores)) {
      expect(store.sql).toMatchObject({ user: services.postgres?.environment?.POSTGRES_USER, connectAddr: 'postgres:5432' });
    }
  });
});

describe('docker-compose.yml', () => {
  it('has the production-like stack: PostgreSQL, Redis, Temporal with its UI, and Mohla built from the Dockerfile', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgres', 'redis', 'temporal', 'temporal-ui', ...mohlaServices]));
    // The official server image with the configuration `mohla cluster config` writes, not the deprecated
    // auto-setup image; its databases are made by the SQL tool, as on this machine.
    expect(services.temporal?.image).toMatch(/^temporalio\/server:/);
    expect(JSON.stringify(services['temporal-schema'])).toMatch(/temporal-sql-tool .*update-schema/);
    expect(services['temporal-ui']?.image).toMatch(/^temporalio\/ui:/);
    for (const name of mohlaServices) expect(services[name]?.build, name).toBeDefined();
  });

  it('runs the Temporal releases that `mohla cluster` builds', () => {
    const release = (version: string) => version.replace(/^v/, '');
    expect(services.temporal?.image).toBe(`temporalio/server:${release(TEMPORAL_SERVER_VERSION)}`);
    expect(services['temporal-schema']?.image).toBe(`temporalio/admin-tools:${release(TEMPORAL_SERVER_VERSION)}`);
    expect(services['temporal-setup']?.image).toBe(`temporalio/admin-tools:${release(TEMPORAL_SERVER_VERSION)}`);
    expect(services['temporal-ui']?.image).toBe(`temporalio/ui:${release(TEMPORAL_UI_VERSION)}`);
  });

  it("wires the Temporal UI as `mohla cluster` does: the cluster's frontend, and Mohla's codec endpoint with the session cookie", () => {
    const ui = services['temporal-ui']?.environment ?? {};
    const mohla = services.api?.environment ?? {};
    const [frontendHost, frontendPort] = (ui.TEMPORAL_ADDRESS ?? '').split(':');
    expect(services[frontendHost ?? '']?.image, 'TEMPORAL_ADDRESS').toMatch(/^temporalio\/server:/);
    expect(Number(frontendPort)).toBe(DEFAULT_CLUSTER_PORTS.frontend);
    expect(ui.TEMPORAL_DEFAULT_NAMESPACE ?? 'default').toBe(mohla.TEMPORAL_NAMESPACE);
    // The browser calls the codec endpoint: the API as the host publishes it.
    const apiPort = publishedPort(services.api, Number(mohla.PORT));
    expect(apiPort).toBeDefined();
    expect(ui.TEMPORAL_CODEC_ENDPOINT).toBe(`http://localhost:${apiPort}/codec`);
    expect(ui.TEMPORAL_CODEC_INCLUDE_CREDENTIALS).toBe(String(UI_CODEC_INCLUDES_CREDENTIALS));
    // …from the UI's page, whose origin Mohla must let send that cookie (the image serves on 8080).
    const uiPort = publishedPort(services['temporal-ui'], 8080);
    expect(uiPort).toBeDefined();
    expect((mohla.TEMPORAL_UI_ORIGINS ?? '').split(',')).toContain(`http://localhost:${uiPort}`);
  });

  it('gives Mohla only variables the code reads', () => {
    for (const name of mohlaServices) {
      for (const variable of Object.keys(services[name]?.environment ?? {})) {
        expect(Object.keys(ENVIRONMENT), `${name}: ${variable}`).toContain(variable);
      }
    }
  });

  it('points Temporal, PostgreSQL and Redis at services of the file', () => {
    for (const name of mohlaServices) {
      const environment = services[name]?.environment ?? {};
      const temporal = environment.TEMPORAL_ADDRESS?.split(':')[0];
      expect(services[temporal ?? ''], `${name} TEMPORAL_ADDRESS`).toBeDefined();
      const database = new URL(withDefaults(environment.DATABASE_URL ?? ''));
      const pg = services[database.hostname]?.environment ?? {};
      expect(database.pathname).toBe(`/${pg.POSTGRES_DB}`);
      // Mohla's own role, not the server's administrator, and with a password of its own.
      expect(database.username).not.toBe(pg.POSTGRES_USER);
      expect(database.password).not.toBe('');
      if (environment.DATABASE_ADMIN_URL) {
        const admin = new URL(withDefaults(environment.DATABASE_ADMIN_URL));
        expect(admin.username).toBe(pg.POSTGRES_USER);
        expect(admin.password).toBe(withDefaults(pg.POSTGRES_PASSWORD ?? ''));
        expect(admin.pathname).toBe(database.pathname);
      }
      const redis = new URL(environment.REDIS_URL ?? '');
      expect(services[redis.hostname]?.image, `${name} REDIS_URL`).toMatch(/^redis:/);
    }
  });

  it('migrates as the administrator, and runs the API and the worker as Mohla\'s role', () => {
    expect(services.migrate?.environment?.DATABASE_ADMIN_URL).toBeDefined();
    expect(services.api?.environment?.DATABASE_ADMIN_URL).toBeUndefined();
    expect(services.worker?.environment?.DATABASE_ADMIN_URL).toBeUndefined();
  });

  it("checks each process's readiness where it listens: the API's with the image's HEALTHCHECK, the worker's on WORKER_HEALTH_PORT", () => {
    const healthcheck = readDockerfile(path.join(PROJECT_ROOT, 'Dockerfile')).at(-1)?.steps.find((step) => step.keyword === 'HEALTHCHECK');
    const imageCheck = healthcheck?.keyword === 'HEALTHCHECK' ? healthcheck.command.join(' ') : '';
    expect(imageCheck).toContain(`(process.env.PORT||${ENVIRONMENT.PORT.default})+'/health/ready'`);
    // The API keeps the image's check; the worker, which serves no API, asks its own listener.
    expect(services.api?.healthcheck).toBeUndefined();
    const workerCheck = services.worker?.healthcheck?.test ?? [];
    expect(workerCheck[0]).toBe('CMD');
    expect(workerCheck.join(' ')).toContain(`(process.env.WORKER_HEALTH_PORT||${ENVIRONMENT.WORKER_HEALTH_PORT.default})+'/health/ready'`);
  });

  it('registers the same search attributes as the dev server', () => {
    const command = ([] as string[]).concat(services['temporal-setup']?.command ?? []).join(' ');
    const registered = [...command.matchAll(/(Mohla\w+)=(\w+)/g)].map((m) => `${m[1]}=${m[2]}`).sort();
    const expected = searchAttributeFlags(searchAttributes).filter((f) => f !== '--search-attribute').sort();
    expect(registered).toEqual(expected);
  });
});

describe('configuration', () => {
  it('declares every environment variable the code reads', () => {
    const systemVariables = new Set(['HOME', 'PATH', 'XDG_CACHE_HOME']);
    const read = new Set<string>();
    for (const file of sourceFiles(PROJECT_ROOT)) {
      for (const match of readFileSync(file, 'utf8').matchAll(/process\.env\.([A-Z_]+)|env\.([A-Z_]+)\b/g)) {
        const name = match[1] ?? match[2];
        if (name && !systemVariables.has(name)) read.add(name);
      }
    }
    const undeclared = [...read].filter((name) => !(name in ENVIRONMENT));
    expect(undeclared).toEqual([]);
  });
});

/**
 * Every metric name Mohla's processes export, from the code that registers them: the registries are built
 * as the API and the worker build theirs, and listed without being collected (so the database and the
 * queues they would read are never asked: the placeholders below are never touched).
 */
function mohlaMetricNames(): Set<string> {
  const registry = createMetricsRegistry();
  registerBusinessMetrics(registry, {} as MikroORM);
  registerQueueDepthMetrics(registry, { dispatch: {}, channels: { sms: {}, email: {} } } as unknown as NotificationQueues);
  registerDeliveryMetrics(registry);
  projectionLagInterceptor(registry);
  registerRequestMetrics(Fastify(), registry);
  return new Set(
    registry.getMetricsAsArray().flatMap((metric) => {
      const name = (metric as unknown as { name: string }).name;
      return metric instanceof Histogram ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name];
    }),
  );
}

/**
 * The Temporal SDK's metrics the dashboard and the alerts read, as its core names them with the default
 * `temporal_` prefix and `useSecondsForDurations` (infra/worker-telemetry.ts). The core lists them in
 * Temporal's SDK metrics reference; test/worker-metrics.test.ts sees the pollers and the schedule-to-start
 * latency served by a real worker (failure counters appear only once something fails).
 */
const SDK_COUNTERS = ['temporal_workflow_task_execution_failed', 'temporal_activity_execution_failed', 'temporal_local_activity_execution_failed'];
const SDK_GAUGES = ['temporal_num_pollers'];
const SDK_HISTOGRAMS = ['temporal_workflow_task_schedule_to_start_latency', 'temporal_activity_schedule_to_start_latency'];
const sdkMetricNames = new Set([...SDK_COUNTERS, ...SDK_GAUGES, ...SDK_HISTOGRAMS.flatMap((h) => [`${h}_bucket`, `${h}_sum`, `${h}_count`])]);

/** The metrics an expression selects: each name written before a `{` selector. */
function selectedMetrics(expr: string): string[] {
  return [...expr.matchAll(/([a-zA-Z_:][\w:]*)\s*\{/g)].map((m) => m[1]!);
}

const deployed = (file: string) => path.join(PROJECT_ROOT, 'deploy', file);
const prometheusConfig = parse(readFileSync(deployed('prometheus/prometheus.yml'), 'utf8')) as {
  rule_files: string[];
  scrape_configs: Array<{ job_name: string; authorization?: { credentials_file?: string }; dns_sd_configs?: Array<{ names: string[]; port: number }> }>;
};
const dashboard = JSON.parse(readFileSync(deployed('grafana/dashboards/mohla.json'), 'utf8')) as {
  templating: { list: Array<{ name: string; type: string; query: unknown }> };
  panels: Array<{ type: string; title: string; targets?: Array<{ expr: string; datasource?: { uid?: string } }> }>;
};

/** Where a service mounts a file or folder of the repository, and whether read-only. */
function mount(service: Service | undefined, source: string): { target: string; readOnly: boolean } | undefined {
  const entry = service?.volumes?.find((v) => v.split(':')[0] === source);
  if (!entry) return undefined;
  const [, target, mode] = entry.split(':');
  return { target: target!, readOnly: mode === 'ro' };
}

describe('monitoring in docker-compose.yml: Prometheus and Grafana', () => {
  const prometheus = services.prometheus;
  const grafana = services.grafana;

  it('runs Prometheus and Grafana from images pinned to a release, published on this machine only', () => {
    expect(prometheus?.image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/);
    expect(grafana?.image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/);
    for (const service of [prometheus, grafana]) for (const port of service?.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
  });

  it('mounts the configuration, the alert rules and the provisioning read-only where they are read', () => {
    const config = mount(prometheus, './deploy/prometheus/prometheus.yml');
    expect(config?.readOnly).toBe(true);
    const flag = ([] as string[]).concat(prometheus?.command ?? []).find((c) => c.startsWith('--config.file='));
    expect(flag).toBe(`--config.file=${config?.target}`);
    const rules = mount(prometheus, './deploy/prometheus/mohla-alerts.yml');
    expect(rules?.readOnly).toBe(true);
    expect(prometheusConfig.rule_files).toEqual([rules?.target]);
    const provisioning = mount(grafana, './deploy/grafana/provisioning');
    expect(provisioning).toEqual({ target: '/etc/grafana/provisioning', readOnly: true });
    const dashboards = mount(grafana, './deploy/grafana/dashboards');
    expect(dashboards?.readOnly).toBe(true);
    const provider = parse(readFileSync(deployed('grafana/provisioning/dashboards/mohla.yml'), 'utf8')) as { providers: Array<{ options: { path: string } }> };
    expect(provider.providers.map((p) => p.options.path)).toEqual([dashboards?.target]);
    const sources = parse(readFileSync(deployed('grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as { datasources: Array<{ type: string; url: string }> };
    expect(sources.datasources).toEqual([expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090' })]);
  });

  it("scrapes the API's and the worker's metrics ports with the token Mohla is given, and the SDK's port without", () => {
    const job = (name: string) => prometheusConfig.scrape_configs.find((c) => c.job_name === name);
    const target = (name: string) => ({ host: job(name)?.dns_sd_configs?.[0]?.names[0], port: job(name)?.dns_sd_configs?.[0]?.port });
    expect(target('mohla-api')).toEqual({ host: 'api', port: Number(services.api?.environment?.METRICS_PORT) });
    expect(target('mohla-worker')).toEqual({ host: 'worker', port: Number(services.worker?.environment?.METRICS_PORT) });
    expect(target('mohla-worker-sdk')).toEqual({ host: 'worker', port: Number(services.worker?.environment?.WORKER_SDK_METRICS_PORT) });
    // The secret's file is the very value the API and the worker check.
    for (const name of ['mohla-api', 'mohla-worker']) {
      const file = job(name)?.authorization?.credentials_file ?? '';
      const secret = path.basename(file);
      expect(file).toBe(`/run/secrets/${secret}`);
      expect(prometheus?.secrets).toContain(secret);
      expect(services.api?.environment?.METRICS_TOKEN).toBe(`\${${compose.secrets[secret]?.environment}:?set METRICS_TOKEN to a long random value (openssl rand -hex 32)}`);
    }
    expect(services.worker?.environment?.METRICS_TOKEN).toBe(services.api?.environment?.METRICS_TOKEN);
    expect(job('mohla-worker-sdk')?.authorization).toBeUndefined();
    // Neither metrics port is published: Prometheus reaches them on Compose's network.
    for (const name of ['api', 'worker']) {
      const published = (services[name]?.ports ?? []).map((p) => Number(p.split(':').at(-1)));
      expect(published).not.toContain(Number(services[name]?.environment?.METRICS_PORT));
      expect(published).not.toContain(Number(services[name]?.environment?.WORKER_SDK_METRICS_PORT));
    }
  });

  it('has a Prometheus configuration that promtool check config accepts', async () => {
    // promtool checks that the token file exists: this copy reads a token written here, and the rules from the repository.
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'mohla-prometheus-'));
    const token = path.join(scratch, 'metrics-token');
    writeFileSync(token, 'a-token-for-the-check\n');
    const text = readFileSync(deployed('prometheus/prometheus.yml'), 'utf8')
      .replaceAll('/run/secrets/metrics-token', token)
      .replace(prometheusConfig.rule_files[0]!, deployed('prometheus/mohla-alerts.yml'));
    writeFileSync(path.join(scratch, 'prometheus.yml'), text);
    const result = await promtool(['check', 'config', path.join(scratch, 'prometheus.yml')]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/SUCCESS: \d+ rules found/);
  }, 300_000);

  it('provisions a dashboard whose every panel reads only metrics Mohla or the Temporal SDK exports', () => {
    const known = new Set([...mohlaMetricNames(), ...sdkMetricNames]);
    expect(known.has('mohla_applications_due_within_1h')).toBe(true);
    expect(dashboard.templating.list.find((v) => v.name === 'ds')?.type).toBe('datasource');
    const queries = dashboard.panels.filter((p) => p.type !== 'row');
    expect(queries.length).toBeGreaterThanOrEqual(20);
    const read = new Set<string>();
    for (const panel of queries) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) {
        expect(target.datasource?.uid, panel.title).toBe('${ds}');
        const metrics = selectedMetrics(target.expr);
        expect(metrics.length, `${panel.title}: ${target.expr}`).toBeGreaterThan(0);
        for (const metric of metrics) {
          expect(known.has(metric), `${panel.title}: ${metric} is not exported`).toBe(true);
          read.add(metric);
        }
      }
    }
    for (const variable of dashboard.templating.list.filter((v) => v.type === 'query')) {
      for (const metric of selectedMetrics(JSON.stringify(variable.query))) expect(known.has(metric), `variable ${variable.name}: ${metric}`).toBe(true);
    }
    // The business and technical panels the issue asks for.
    for (const metric of [
      'mohla_open_applications', 'mohla_open_tasks', 'mohla_applications_due_within_24h', 'mohla_applications_due_within_1h', 'mohla_applications_overdue',
      'mohla_task_escalations_total', 'mohla_silence_grants_total', 'mohla_complement_requests_total', 'mohla_notification_queue_jobs',
      'mohla_notification_delivery_failures_total', 'mohla_notification_delivery_seconds_bucket', 'mohla_projection_lag_seconds_bucket',
      'mohla_http_requests_total', 'mohla_http_request_duration_seconds_bucket', 'temporal_workflow_task_execution_failed', 'temporal_activity_execution_failed',
      'temporal_num_pollers', 'temporal_workflow_task_schedule_to_start_latency_bucket', 'process_cpu_seconds_total', 'process_resident_memory_bytes',
    ]) {
      expect(read.has(metric), metric).toBe(true);
    }
  });

  it('has alert rules that read only metrics Mohla, the SDK or Prometheus itself (up) exports', () => {
    const known = new Set([...mohlaMetricNames(), ...sdkMetricNames, 'up']);
    const rules = parse(readFileSync(deployed('prometheus/mohla-alerts.yml'), 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
    for (const rule of rules.groups.flatMap((g) => g.rules)) {
      const metrics = selectedMetrics(rule.expr);
      expect(metrics.length, rule.alert).toBeGreaterThan(0);
      for (const metric of metrics) expect(known.has(metric), `${rule.alert}: ${metric}`).toBe(true);
    }
  });
});
