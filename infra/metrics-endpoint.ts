/**
 * The Prometheus endpoint of a Mohla process, `GET /metrics`: a listener of its own beside the process's
 * other ports (METRICS_PORT), so that the reverse proxy citizens reach never routes to it, its scrapes are
 * not counted among the API's requests, and its token is not mistaken for a person's. It still asks for a
 * bearer token (METRICS_TOKEN): the figures show each office's workload. The API and the worker each
 * open one, with the registry of their own figures.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from './metrics.js';

/** Compared as digests: equal lengths for timingSafeEqual, and nothing learnt from how long it took. */
const digest = (text: string) => createHash('sha256').update(text).digest();

export function buildMetricsEndpoint(registry: Registry, token: string): FastifyInstance {
  const app = Fastify({ logger: false });
  const expected = digest(`Bearer ${token}`);
  app.get('/metrics', async (request, reply) => {
    const given = request.headers.authorization;
    if (!given || !timingSafeEqual(digest(given), expected)) {
      return reply
        .status(401)
        .header('www-authenticate', 'Bearer realm="mohla-metrics"')
        .type('text/plain; charset=utf-8')
        .send('GET /metrics needs the header "Authorization: Bearer <METRICS_TOKEN>".\n');
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  return app;
}

export interface MetricsListener {
  /** Where Prometheus scrapes: `http://host:port/metrics`. */
  url: string;
  close(): Promise<void>;
}

/** Serves `registry` on `host:port` (0: a free port, for the tests). */
export async function listenForMetrics(registry: Registry, settings: { host: string; port: number; token: string }): Promise<MetricsListener> {
  const endpoint = buildMetricsEndpoint(registry, settings.token);
  const url = `${await endpoint.listen({ host: settings.host, port: settings.port })}/metrics`;
  return { url, close: () => endpoint.close() };
}
