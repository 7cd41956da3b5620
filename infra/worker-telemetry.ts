/**
 * The Temporal SDK runtime's telemetry for the worker process: with WORKER_SDK_METRICS_PORT, the SDK's
 * core serves its own metrics (`temporal_*`: pollers, workflow and activity task latencies and failures)
 * in Prometheus's format at `/metrics` on HOST and that port. The core's listener asks for no token and
 * cannot be given one: keep the port on the internal network (see docs/operations.md).
 */
import type { TelemetryOptions } from '@temporalio/worker';
import type { Config } from './config.js';

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
