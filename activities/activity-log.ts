/**
 * Where an activity writes its own lines: the SDK's activity logger, which the worker routes to its JSON
 * log (infra/worker-logger.ts) with the workflow id, the activity type and the trace ids added. The same
 * code also runs outside any activity (`mohla projections rebuild`): its lines then go to standard error,
 * as the CLI's do.
 */
import { currentActivity } from './activity-context.js';
import { createLogger, standardError, type Logger } from '../infra/logger.js';

let outside: Logger | undefined;

export function activityLog(): { warn(message: string): void } {
  return currentActivity()?.log ?? (outside ??= createLogger('mohla-cli', 'info', standardError()));
}
