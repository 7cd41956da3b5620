/**
 * A notification worker alone in its own process, configured from the environment as in production
 * (NOTIFY_*_PROVIDER, SMTP_URL, SMS_GATEWAY_URL…), so a test can kill it in the middle of a send.
 * TEST_LOCK_MS shortens BullMQ's job locks so the next worker takes the orphaned jobs up in seconds.
 */
import { loadConfig } from '../../infra/config.js';
import { openOrm } from '../../db/orm.js';
import { loadNotificationSettings } from '../../notifications/config.js';
import { NotificationWorker } from '../../notifications/worker.js';

const lockDuration = Number(process.env.TEST_LOCK_MS ?? 30_000);
const config = loadConfig();
const orm = await openOrm(config.databaseUrl, { pool: { min: 0, max: 3 } });
const worker = new NotificationWorker({
  orm,
  settings: loadNotificationSettings(config),
  workerOptions: { lockDuration, stalledInterval: Math.max(500, lockDuration / 2) },
}).start();
await worker.waitUntilReady();
console.log('notification worker ready');
