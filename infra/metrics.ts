/**
 * The Prometheus registry of a process. Made by the process's start-up code, once, and handed to
 * whatever reports figures: never prom-client's global registry, so two apps built in one process (the
 * tests build several) each count their own requests instead of adding into one another's.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

export type { Registry } from 'prom-client';

/** A registry with Node's own figures (CPU, memory, event-loop delay, garbage collection) already in it. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
