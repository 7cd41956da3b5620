import { DefaultLogger, type LogLevel, type LogMetadata } from '@temporalio/worker';
import { loggableMeta } from './log-redaction.js';

/**
 * The Temporal SDK's log (worker, activities, workflows, its Rust core), with errors and failure texts made
 * loggable: the SDK logs every failed activity attempt and workflow with the whole error, which for a
 * projection that PostgreSQL refuses quotes the form it was writing.
 */
export class WorkerLogger extends DefaultLogger {
  override log(level: LogLevel, message: string, meta?: LogMetadata): void {
    super.log(level, message, loggableMeta(meta));
  }
}

/** LOG_LEVEL (pino's names, as the API uses them) in the SDK's terms. */
export function sdkLogLevel(level: string): LogLevel {
  const levels: Record<string, LogLevel> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR', fatal: 'ERROR' };
  return levels[level.toLowerCase()] ?? 'INFO';
}
