import path from 'node:path';
import { Runtime } from '@temporalio/worker';
import { coreLogging, sdkLogLevel, WorkerLogger } from '../infra/worker-logger.js';
import { startTracing } from '../infra/tracing.js';
import type { Config } from '../infra/config.js';
import { ensurePostgres, ensureRedis, ServiceUnavailableError, type RunningService } from '../infra/services.js';
import { ensureTemporalCli } from '../infra/temporal-cli.js';
import { startDevServer, waitForTemporal, type DevServer } from '../infra/temporal-server.js';
import { codecEndpointUrl } from '../infra/temporal-ui.js';
import { openOrm } from '../db/orm.js';
import { migrateAsAdministrator } from '../db/roles.js';
import { issuingSetup } from '../worker/issuing.js';
import { startProcedureWorker } from '../worker/procedure-worker.js';
import { startApi } from '../api/start.js';
import { loadNotificationSettings } from '../notifications/config.js';
import { checkpointStore, scheduleCheckpoints } from '../audit/checkpoint.js';
import { searchAttributes } from '../workflows/search-attributes.js';

type Log = (line: string) => void;

async function ensureTemporal(config: Config, log: Log): Promise<DevServer | undefined> {
  try {
    await waitForTemporal(config.temporal.address, 1500);
    log(`Temporal answers at ${config.temporal.address}: using it.`);
    return undefined;
  } catch {
    // Nothing there: start our own dev server below.
  }
  const cli = await ensureTemporalCli({ log });
  const [host, port] = config.temporal.address.split(':');
  if (!host || !port || !['127.0.0.1', 'localhost'].includes(host)) {
    throw new ServiceUnavailableError(
      'Temporal',
      `Temporal at ${config.temporal.address} does not answer; start it or set TEMPORAL_ADDRESS=host:port.`,
    );
  }
  log(`Starting the Temporal dev server (${cli.path}, found via ${cli.source})…`);
  return startDevServer({
    cli: cli.path,
    host,
    port: Number(port),
    uiPort: config.temporal.uiPort,
    uiCodecEndpoint: codecEndpointUrl(config),
    dbFile: path.join(config.dataDir, 'temporal.db'),
    namespace: config.temporal.namespace,
    searchAttributes,
  });
}

/**
 * `mohla dev`: the whole system on one machine with embedded defaults. Returns a function that stops
 * everything it started, in reverse order.
 */
export async function startDevStack(config: Config, log: Log = console.log): Promise<() => Promise<void>> {
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((err) => log(`while stopping: ${String(err)}`));
  };
  try {
    const temporal = await ensureTemporal(config, log);
    if (temporal) stops.push(temporal.stop);
    const postgres: RunningService = await ensurePostgres(config.databaseAdminUrl, { dataDir: config.dataDir, allowEmbedded: true, log });
    if (postgres.stop) stops.push(postgres.stop);
    const databaseUrl = new URL(config.databaseUrl);
    // The embedded server asks everyone for a password: Mohla's role gets the administrator's unless DATABASE_URL gives one.
    if (postgres.started && !databaseUrl.password) databaseUrl.password = new URL(postgres.url).password;
    const redis = await ensureRedis(config.redisUrl, { dataDir: config.dataDir, allowStart: true, log });
    if (redis.stop) stops.push(redis.stop);
    const effective: Config = { ...config, databaseUrl: databaseUrl.href, databaseAdminUrl: postgres.url, redisUrl: redis.url };

    const { applied, login } = await migrateAsAdministrator(effective.databaseAdminUrl, effective.databaseUrl);
    log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Database schema is up to date.');
    if (login.superuser) log(`Warning: DATABASE_URL logs in as ${login.role}, a superuser, who can rewrite the audit log.`);
    const orm = await openOrm(effective.databaseUrl);
    stops.push(() => orm.close());

    // Messages go to files under MOHLA_DATA_DIR/outbox unless NOTIFY_*_PROVIDER say otherwise.
    const notificationSettings = loadNotificationSettings(effective);
    // One process, one service name: the API's and the worker's spans meet in one trace all the same.
    const tracing = startTracing('mohla-dev', effective.tracing);
    if (tracing) stops.push(() => tracing.shutdown());
    Runtime.install({ logger: new WorkerLogger(sdkLogLevel(effective.logLevel)), telemetryOptions: { logging: coreLogging(effective.logLevel) } });
    const procedureWorker = await startProcedureWorker({
      address: effective.temporal.address,
      namespace: effective.temporal.namespace,
      taskQueue: effective.temporal.taskQueue,
      orm,
      codecKeys: effective.codecKeys,
      notifications: notificationSettings,
      delivery: { settings: notificationSettings, log },
      cachedApplications: effective.worker.cachedApplications,
      incidentAttempts: effective.worker.incidentAttempts,
      serviceEndpoints: effective.worker.serviceEndpoints,
      documents: issuingSetup(effective),
    });
    stops.push(() => procedureWorker.stop());

    stops.push(scheduleCheckpoints(orm, checkpointStore(effective), effective.audit.checkpointMinutes, log));

    const api = await startApi(effective, log);
    stops.push(() => api.close());

    log('');
    log('Mohla is up:');
    log(`  Web            ${api.url}/   (kiosk: ${api.url}/#/kiosk; demonstration people under "Se connecter")`);
    log(`  API            ${api.url}   (health: ${api.url}/health, docs: ${api.url}/docs)`);
    if (api.metricsUrl) log(`  Metrics        ${api.metricsUrl}   (bearer METRICS_TOKEN)`);
    if (temporal?.uiUrl) {
      log(`  Temporal UI    ${temporal.uiUrl}   (payloads are encrypted: sign in on the web as an auditor or admin, then`);
      log(`                 tick "Include cross-origin credentials" in the UI's codec server settings to read them)`);
    }
    log(`  Temporal       ${effective.temporal.address} (task queue ${effective.temporal.taskQueue})`);
    log(`  PostgreSQL     ${new URL(effective.databaseUrl).host}${postgres.started ? ' (embedded)' : ''}, as ${login.role}`);
    log(`  Redis          ${new URL(effective.redisUrl).host}${redis.started ? ' (started by mohla)' : ''}`);
    log(`  Audit          checkpoints every ${effective.audit.checkpointMinutes} min into ${effective.audit.checkpointDir}`);
    log(`  Notifications  SMS: ${notificationSettings.providers.sms.name}, e-mail: ${notificationSettings.providers.email.name} (outbox: ${path.join(effective.dataDir, 'outbox')})`);
    log('Press Ctrl-C to stop.');
    return stopAll;
  } catch (err) {
    await stopAll();
    throw err;
  }
}
