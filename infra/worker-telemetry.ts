/**
 * What the worker process reports to Prometheus, in two places:
 * - the Temporal SDK runtime's telemetry: with WORKER_SDK_METRICS_PORT, the SDK's core serves its own
 *   metrics (`temporal_*`: pollers, workflow and activity task latencies and failures) in Prometheus's
 *   format at `/metrics` on HOST and that port. The core's listener asks for no token and cannot be given
 *   one: keep the port on the internal network (see docs/operations.md);
 * - the worker's own figures (notification sends, projection lag), on METRICS_PORT behind METRICS_TOKEN,
 *   served as the API serves its own.
 */
import type { TelemetryOptions } from '@temporalio/worker';
import type { Config } from './config.js';
import { createMetricsRegistry, type Registry } from './metrics.js';
import { listenForMetrics, type MetricsListener } from './metrics-endpoint.js';

/** `host:port` as the core's listener reads it: an IPv6 address goes in brackets. */
function bindAddress(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** What `Runtime.install` takes as `telemetryOptions`; nothing without a port, as the SDK's default. */
export function workerTelemetryOptions(config: Pick<Config, 'http' | 'worker'>): { telemetryOptions?: TelemetryOptions } {
  const port = config.worker.sdkMetricsPort;
  if (port === undefined) return {};
  // Seconds, as every other duration Prometheus holds, so the dashboard's and alerts' thresholds read alike.
  return { telemetryOptions: { metrics: { prometheus: { bindAddress: bindAddress(config.http.host, port), useSecondsForDurations: true } } } };
}

export interface WorkerMetrics {
  /** Where the worker's own figures are counted; none without METRICS_PORT. */
  registry?: Registry;
  listener?: MetricsListener;
}

/** The worker's own Prometheus endpoint on METRICS_PORT (with METRICS_TOKEN), as the API opens its own. */
export async function openWorkerMetrics(config: Pick<Config, 'http' | 'metrics'>): Promise<WorkerMetrics> {
  if (!config.metrics) return {};
  const registry = createMetricsRegistry();
  return { registry, listener: await listenForMetrics(registry, { host: config.http.host, ...config.metrics }) };
}
