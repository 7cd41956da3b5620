/**
 * The running activity's context, or none: activity code also runs outside any activity (`mohla
 * projections rebuild`, tests), where the SDK's `Context.current()` throws.
 */
import { Context } from '@temporalio/activity';

export function currentActivity(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}
