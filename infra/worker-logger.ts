import type { LogExporterConfig, Logger as SdkLogger, LogLevel, LogMetadata } from '@temporalio/worker';
import { createLogger, type Logger } from './logger.js';
import { loggableMessage, loggableMeta } from './log-redaction.js';

const PINO_LEVELS = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * The Temporal SDK's log (worker, activities, workflows through their `log` sink, its Rust core) written
 * by pino, as every other line of the process. The SDK's metadata become fields (workflowId, runId,
 * activityType, and the trace ids its OpenTelemetry interceptors add), with errors and failure texts
 * made loggable: the SDK logs every failed activity attempt with the whole error, which for a projection
 * that PostgreSQL refuses quotes the form it was writing.
 */
export class WorkerLogger implements SdkLogger {
  readonly pino: Logger;

  constructor(level: LogLevel | Logger) {
    this.pino = typeof level === 'string' ? createLogger('mohla-worker', PINO_LEVELS[level]) : level;
  }

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    // The core's messages are formatted text that may quote what failed: masked as failure texts are.
    this.pino[PINO_LEVELS[level]]({ ...loggableMeta(meta) }, loggableMessage(message));
  }

  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }

  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }

  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }

  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }

  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

/** LOG_LEVEL (pino's names, as the API uses them) in the SDK's terms. */
export function sdkLogLevel(level: string): LogLevel {
  const levels: Record<string, LogLevel> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR', fatal: 'ERROR' };
  return levels[level.toLowerCase()] ?? 'INFO';
}

/**
 * The SDK's native core logs to the console in a format of its own unless its lines are forwarded to
 * the runtime's logger: forwarded, they are JSON lines like the rest. Its `info` lines are about its own
 * machinery, so at LOG_LEVEL=info it is held to warnings; debug and trace show everything.
 */
export function coreLogging(level: string): LogExporterConfig {
  const sdkLevel = sdkLogLevel(level);
  return { filter: { core: sdkLevel === 'INFO' ? 'WARN' : sdkLevel, other: 'ERROR' }, forward: {} };
}
