import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
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

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string>;
  depends_on?: Record<string, unknown> | string[];
  ports?: string[];
  healthcheck?: { test?: string[] };
}

const compose = parse(readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
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
