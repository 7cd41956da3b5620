/**
 * Long activities report that they are alive, so that Temporal gives their work to another worker within
 * the heartbeat timeout when theirs dies mid-way instead of waiting out the whole start-to-close timeout.
 * Outside any activity (tests, `mohla` commands) the work just runs.
 */
import { currentActivity } from './activity-context.js';

/** How often a running activity says it is alive: well under the heartbeat timeouts its workflows set. */
const HEARTBEAT_EVERY_MS = 2_000;

export async function whileHeartbeating<T>(work: () => Promise<T>): Promise<T> {
  const context = currentActivity();
  if (!context) return work();
  context.heartbeat();
  const beat = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(beat);
  }
}
