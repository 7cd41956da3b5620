/** The API's process (production: one process per role; `mohla dev` runs the API in-process instead). */
import { loadConfig } from '../infra/config.js';
import { loggableMessage } from '../infra/log-redaction.js';
import { startApi } from './start.js';

const api = await startApi(loadConfig());
console.log(`API listening on ${api.url}`);
if (api.metricsUrl) console.log(`Prometheus metrics on ${api.metricsUrl}`);
// A stop that fails still ends the process, with a non-zero status and the reason, not an unhandled rejection.
const stop = () =>
  void api.close().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(loggableMessage(err instanceof Error ? err.message : String(err)));
      process.exit(1);
    },
  );
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
