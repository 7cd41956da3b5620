import type { RetryPolicy } from './definition.generated.js';
import { parseIsoDuration } from './deadline/duration.js';

/** A retry policy as Temporal reads it: intervals in milliseconds. */
interface ServiceRetryPolicy {
  maximumAttempts?: number;
  initialInterval?: number | string;
  backoffCoefficient?: number;
  maximumInterval?: number | string;
}

/**
 * A service step's retry policy for Temporal. Definitions write intervals as ISO 8601 durations (`PT10S`),
 * which Temporal's own duration reader refuses: an interval in that form is handed over in milliseconds.
 * Any other text goes as written, as it always went.
 */
export function serviceRetryPolicy(retry: RetryPolicy): ServiceRetryPolicy {
  const interval = (text: string | undefined) => (text === undefined ? undefined : (parseIsoDuration(text) ?? text));
  const { initialInterval, maximumInterval, ...rest } = retry;
  return {
    ...rest,
    ...(initialInterval !== undefined ? { initialInterval: interval(initialInterval) } : {}),
    ...(maximumInterval !== undefined ? { maximumInterval: interval(maximumInterval) } : {}),
  };
}
