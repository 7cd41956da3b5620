/**
 * How the API answers, for Prometheus: a count and a duration histogram of requests by method, route
 * pattern and status code. The route is the pattern fastify matched (`/applications/:trackingNumber`),
 * never the URL asked for, so no tracking number or other value becomes a label and the series stay few.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Histogram } from 'prom-client';
import type { Registry } from '../infra/metrics.js';

/** What a request that matched no route is counted under: its URL could be anything. */
const UNMATCHED = 'unmatched';

export function registerRequestMetrics(app: FastifyInstance, registry: Registry): void {
  const labelNames = ['method', 'route', 'status_code'] as const;
  const requests = new Counter({ name: 'mohla_http_requests_total', help: 'Requests the API answered.', labelNames, registers: [registry] });
  const durations = new Histogram({
    name: 'mohla_http_request_duration_seconds',
    help: 'Time from receiving a request to having sent its answer.',
    labelNames,
    // From a cached inbox page to a filing that waits for its workflow to start.
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const labels = { method: request.method, route: request.routeOptions.url ?? UNMATCHED, status_code: String(reply.statusCode) };
    requests.inc(labels);
    durations.observe(labels, reply.elapsedTime / 1000);
  });
}
