/**
 * How many notification jobs wait in Redis, for Prometheus: BullMQ's counts per queue (`dispatch`, then one
 * per channel) and state (waiting, active, delayed, failed), read when Prometheus scrapes.
 *
 * Redis holds one set of queues for the whole deployment, so every process that reads them reports the
 * same figures. Only the API registers this (beside the business figures, which are also one shared
 * state read at scrape time and aggregated with `max`); the worker does not, so a dashboard that sums
 * by job never counts a queue twice.
 */
import { Gauge, type Registry } from 'prom-client';
import { CHANNELS } from './types.js';
import { within, type NotificationQueues } from './queues.js';

const STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** Longest wait for Redis per scrape: a Redis that is away costs the scrape this much at most. */
const DEFAULT_TIMEOUT_MS = 1000;

type Depths = Array<{ queue: string; counts: Record<string, number> }>;

export function registerQueueDepthMetrics(registry: Registry, queues: NotificationQueues, options: { timeoutMs?: number } = {}): void {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const named = [{ queue: 'dispatch', reader: queues.dispatch }, ...CHANNELS.map((channel) => ({ queue: channel, reader: queues.channels[channel] }))];
  // Both gauges of one scrape share its read, as the business figures do.
  let reading: Promise<Depths | undefined> | undefined;
  const read = (): Promise<Depths | undefined> => {
    reading ??= within(timeoutMs, 'counting notification jobs', Promise.all(named.map(async ({ queue, reader }) => ({ queue, counts: await reader.getJobCounts(...STATES) }))))
      .catch(() => undefined)
      .finally(() => setImmediate(() => (reading = undefined)));
    return reading;
  };
  new Gauge({
    name: 'mohla_notification_queue_up',
    help: '1 when this scrape read the notification queues from Redis, 0 when Redis did not answer (mohla_notification_queue_jobs is then absent).',
    registers: [registry],
    async collect() {
      this.set((await read()) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'mohla_notification_queue_jobs',
    help: 'Notification jobs in Redis by queue (dispatch, sms, email) and state (waiting, active, delayed, failed).',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      const depths = await read();
      this.reset();
      for (const { queue, counts } of depths ?? []) for (const state of STATES) this.set({ queue, state }, counts[state] ?? 0);
    },
  });
}
