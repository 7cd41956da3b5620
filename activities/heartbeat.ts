/**
 * Long activities report that they are alive, so that Temporal gives their work to another worker within
 * the heartbeat timeout when theirs dies mid-way instead of waiting out the whole start-to-close timeout.
 * The same activity code also runs outside any activity (tests, `mohla` commands): it then just runs.
 */
import { Context } from '@temporalio/activity';

/** How often a running activity says it is alive: well under the heartbeat timeouts its workflows set. */
const HEARTBEAT_EVERY_MS = 2_000;

export async function whileHeartbeating<T>(work: () => Promise<T>): Promise<T> {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return work();
  }
  context.heartbeat();
  const beat = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(beat);
  }
}
