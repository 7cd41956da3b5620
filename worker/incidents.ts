/**
 * What the worker sees of applications that are failing or stuck, recorded as incidents (db/incidents.ts):
 * Temporal keeps no server-side list of failing workflow tasks, and an activity retried for hours shows
 * only in its pending state. Bookkeeping never changes the outcome: a write that fails is logged and the
 * activity or workflow task carries on as it would have.
 */
import { createHash } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { ApplicationFailure } from '@temporalio/common';
import { Runtime, Worker, type ActivityInboundCallsInterceptor, type ActivityInterceptorsFactory, type NativeConnection } from '@temporalio/worker';
import { noteIncident, resolveAfterSuccess } from '../db/incidents.js';
import { loggableMessage } from '../infra/log-redaction.js';

/** How many attempts of one activity before it counts as an incident (WORKER_INCIDENT_ATTEMPTS). */
export const DEFAULT_INCIDENT_ATTEMPTS = 5;

/** The failure's first line, clipped: error texts are the SDK's or ours, but never the payloads. */
function errorFirstLine(message: string): string {
  return (message.split('\n', 1)[0] ?? '').slice(0, 500);
}

/**
 * What the SDK's core says of a failed workflow task, without the wrapping: it hands over its failure
 * structure printed whole (`… Failure { message: "[TMPRL1100] Nondeterminism error: …", source: … }`),
 * of which operators need the message.
 */
function workflowTaskMessage(text: string): string {
  const inner = /message: "((?:[^"\\]|\\.)*)"/.exec(text)?.[1];
  return errorFirstLine(inner ? inner.replace(/\\"/g, '"') : text);
}

/** The status class of a remote system that is down, from the failure runService throws (activities/services.ts). */
function remoteStatusClass(err: unknown): string | undefined {
  if (!(err instanceof ApplicationFailure) || !err.type?.startsWith('remote-') || err.nonRetryable) return undefined;
  return err.type.slice('remote-'.length);
}

function errorClass(err: unknown): string {
  if (err instanceof ApplicationFailure && err.type) return err.type;
  return err instanceof Error ? err.name : 'Error';
}

// The worker's log (infra/worker-logger.ts), where the SDK's own lines go.
const warn = (what: string) => (err: unknown) =>
  Runtime.instance().logger.warn(`incident bookkeeping failed (${what})`, { error: loggableMessage(err instanceof Error ? err.message : String(err)) });

type ActivityContext = Parameters<ActivityInterceptorsFactory>[0];

class IncidentActivityInbound implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly ctx: ActivityContext,
    private readonly orm: MikroORM,
    private readonly attempts: number,
  ) {}

  async execute(input: Parameters<NonNullable<ActivityInboundCallsInterceptor['execute']>>[0], next: Parameters<NonNullable<ActivityInboundCallsInterceptor['execute']>>[1]): Promise<unknown> {
    const info = this.ctx.info;
    const run = info.workflowExecution;
    if (!run) return next(input);
    // A service task's incidents are the service's (the remote system), not the generic activity's.
    const service = info.activityType === 'runService' ? String((input.args[0] as { activity?: unknown } | undefined)?.activity ?? '') : undefined;
    let result: unknown;
    try {
      result = await next(input);
    } catch (err) {
      if (info.attempt >= this.attempts) {
        const statusClass = service ? remoteStatusClass(err) : undefined;
        await noteIncident(this.orm, {
          kind: statusClass ? 'service-down' : 'activity-retrying',
          trackingNumber: run.workflowId,
          runId: run.runId,
          subject: statusClass ? service! : info.activityType,
          code: statusClass ?? errorClass(err),
          reason: `${statusClass ? `service ${service}` : `activity ${info.activityType}`}, attempt ${info.attempt}: ${errorFirstLine(err instanceof Error ? err.message : String(err))}`,
          at: new Date(),
        }).catch(warn('recording a failing activity'));
      }
      throw err;
    }
    // An activity scheduled after a workflow task failure was first seen proves a later workflow task
    // completed (local activities run inside a workflow task that may still fail, so they prove nothing).
    // Its own incidents resolve whatever its attempt: "retry now" resets the count to one.
    await resolveAfterSuccess(this.orm, {
      trackingNumber: run.workflowId,
      runId: run.runId,
      // A service task's failures are the service's (service-down) or the activity's (activity-retrying).
      subjects: service ? [service, info.activityType] : [info.activityType],
      ...(info.isLocal ? {} : { workflowTaskSince: new Date(info.scheduledTimestampMs) }),
      at: new Date(),
    }).catch(warn('resolving incidents after a success'));
    return result;
  }
}

/** The activity interceptor recording activities past `attempts` attempts and remote systems down. */
export function incidentActivityInterceptor(orm: MikroORM, attempts: number): ActivityInterceptorsFactory {
  return (ctx) => ({ inbound: new IncidentActivityInbound(ctx, orm, attempts) });
}

/** Eviction reasons that mean the workflow task failed (the core's RemoveFromCache.EvictionReason). */
const FAILED_TASK_REASONS: Record<number, string> = { 3: 'DeterminismViolationError', 4: 'WorkflowTaskFailure' };

interface Eviction {
  runId: string;
  evictJob: { reason?: number | null; message?: string | null };
}

/**
 * The SDK tells the worker's subclasses of every eviction from its workflow cache, with the reason: a
 * workflow task that failed (non-determinism after a bad deploy, workflow code that threw) is evicted
 * with its error, on every attempt. The SDK exposes this stream only to subclasses, hence this class,
 * used for nothing else; the alternatives (the core's "Failing workflow task" log line) need the
 * process-wide runtime's log forwarding and parse text.
 */
class EvictionWatch extends Worker {
  static on(worker: Worker, listener: (eviction: Eviction) => void): () => void {
    const emitter = (worker as EvictionWatch).evictionsEmitter as unknown as NodeJS.EventEmitter;
    emitter.on('eviction', listener);
    return () => emitter.off('eviction', listener);
  }
}

/**
 * Records every workflow task failure of the worker's applications as an incident, deduplicated per run
 * and error. The eviction names the run only: its workflow id (the tracking number) is asked of Temporal.
 */
export function watchWorkflowTaskFailures(worker: Worker, connection: NativeConnection, namespace: string, orm: MikroORM): () => void {
  const workflowIds = new Map<string, string>();
  const workflowIdOf = async (runId: string): Promise<string | undefined> => {
    const known = workflowIds.get(runId);
    if (known) return known;
    const { executions } = await connection.workflowService.listWorkflowExecutions({ namespace, query: `RunId = '${runId.replace(/[^0-9a-f-]/gi, '')}'`, pageSize: 1 });
    const id = executions?.[0]?.execution?.workflowId ?? undefined;
    if (id) {
      if (workflowIds.size > 1000) workflowIds.clear();
      workflowIds.set(runId, id);
    }
    return id;
  };
  return EvictionWatch.on(worker, ({ runId, evictJob }) => {
    const code = FAILED_TASK_REASONS[evictJob.reason ?? 0];
    if (!code) return;
    const reason = workflowTaskMessage(evictJob.message ?? '');
    const at = new Date();
    void workflowIdOf(runId)
      .then((trackingNumber) => {
        if (!trackingNumber) throw new Error(`no workflow with run ${runId}`);
        const digest = createHash('sha256').update(reason).digest('hex').slice(0, 12);
        return noteIncident(orm, { kind: 'workflow-task-failure', trackingNumber, runId, subject: `${code}:${digest}`, code, reason, at });
      })
      .catch(warn('recording a workflow task failure'));
  });
}
