/**
 * What the notification worker reports to Prometheus: how long a message waited between being queued for
 * its channel and leaving, and the failed attempts by channel and by a small class of reason. Counted by
 * the process that sends, so each worker reports its own sends and Prometheus sums them.
 *
 * The reason is a class chosen here, never the provider's message: that holds addresses and grows
 * without bound.
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Channel } from './types.js';

/**
 * - `refused`: the provider refused the message for good (a malformed number, an unknown mailbox);
 * - `provider_error`: the provider failed or did not answer (retried while attempts remain);
 * - `interrupted`: an earlier attempt stopped in the middle of a send through a provider that cannot
 *   tell duplicates apart, so the message went to the failed list rather than out again;
 * - `no_address`: the delivery has no address to send to.
 */
export type DeliveryFailureReason = 'refused' | 'provider_error' | 'interrupted' | 'no_address';

export interface DeliveryMetrics {
  /** A message left; `queuedAt` is when its job was added to the channel's queue (ms since the epoch). */
  sent(channel: Channel, queuedAt: number, now?: number): void;
  /** An attempt failed; `final` when no attempt remains and the message joins the failed list. */
  failed(channel: Channel, reason: DeliveryFailureReason, final: boolean): void;
}

export function registerDeliveryMetrics(registry: Registry): DeliveryMetrics {
  const latency = new Histogram({
    name: 'mohla_notification_delivery_seconds',
    help: "Time from a message's job being queued for its channel to the provider taking it, retries and rate limit included.",
    labelNames: ['channel'],
    // From an SMS sent at once to one retried with backoff over an hour (NOTIFY_ATTEMPTS, NOTIFY_BACKOFF_MS).
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 7200],
    registers: [registry],
  });
  const failures = new Counter({
    name: 'mohla_notification_delivery_failures_total',
    help: 'Failed attempts to send a message, by channel, reason class, and outcome (retry: another attempt follows; gave_up: the message joins the failed list).',
    labelNames: ['channel', 'reason', 'outcome'],
    registers: [registry],
  });
  return {
    sent(channel, queuedAt, now = Date.now()) {
      latency.observe({ channel }, Math.max(0, now - queuedAt) / 1000);
    },
    failed(channel, reason, final) {
      failures.inc({ channel, reason, outcome: final ? 'gave_up' : 'retry' });
    },
  };
}
