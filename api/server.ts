/** The API's process (production: one process per role; `mohla dev` runs the API in-process instead). */
import { loadConfig } from '../infra/config.js';
import { startApi } from './start.js';

const api = await startApi(loadConfig());
console.log(`API listening on ${api.url}`);
const stop = () => void api.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
