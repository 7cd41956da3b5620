/** The API's process (production: one process per role; `mohla dev` runs the API in-process instead). */
import { loadConfig } from '../infra/config.js';
import { createLogger } from '../infra/logger.js';
import { loggableError, loggableMessage } from '../infra/log-redaction.js';
import { startTracing } from '../infra/tracing.js';
import { startApi } from './start.js';

// At info until the configuration, which checks LOG_LEVEL, is read: a refused configuration is still logged.
const log = createLogger('mohla-api', 'info');
const fail = (err: unknown) => {
  log.fatal({ err: loggableError(err) }, loggableMessage(err instanceof Error ? err.message : String(err)));
  process.exit(1);
};

try {
  const config = loadConfig();
  log.level = config.logLevel;
  // Before the Temporal client exists: its interceptor and the request spans take the registered tracing.
  const tracing = startTracing('mohla-api', config.tracing);
  const api = await startApi(config, (line) => log.info(line));
  log.info(`API listening on ${api.url}`);
  if (api.metricsUrl) log.info(`Prometheus metrics on ${api.metricsUrl}`);
  // A stop that fails still ends the process, with a non-zero status and the reason, not an unhandled rejection.
  const stop = () =>
    void api
      .close()
      .then(() => tracing?.shutdown())
      .then(() => process.exit(0), fail);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  fail(err);
}
