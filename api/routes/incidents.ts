/**
 * Incidents for operators (docs/operations.md#incidents): applications whose workflow is failing or
 * stuck — workflow task failures, activities past their attempt threshold, remote systems down, and
 * projection writes PostgreSQL refused for good — and what can be done about them: retry now, read the
 * history, terminate (POST /applications/:trackingNumber/terminate). Administrators see every office's;
 * a supervisor sees their offices' only, and is told that another office's incident does not exist.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { findIncident, INCIDENT_KINDS, listIncidents, resolveIncidents, type IncidentRow } from '../../db/incidents.js';
import { recordTermination } from '../../db/termination.js';
import { DomainError } from '../../engine/errors.js';
import type { Principal } from '../../identity/tokens.js';
import { principalOf, worksFor } from '../auth.js';
import type { ApiContext } from '../context.js';
import { applicationSchema, instant, instantOrNull } from '../answers.js';
import { canonicalTrackingNumber, visibleApplication, trackingParams } from './applications.js';
import { answers, json, type ApiRoutes } from '../responses.js';
import { incidentView, readApplication } from '../views.js';

const incidentQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    kind: { type: 'string', enum: INCIDENT_KINDS },
    status: { type: 'string', enum: ['open', 'resolved'] },
    officeId: { type: 'string', minLength: 1, maxLength: 64 },
    procedureId: { type: 'string', minLength: 1, maxLength: 64 },
    trackingNumber: { type: 'string', maxLength: 32 },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200 },
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
  },
} as const;

const incidentParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[1-9][0-9]{0,8}$', description: "The incident's number." } },
} as const;

const incidentSchema = {
  type: 'object',
  required: ['trackingNumber', 'revision', 'code', 'reason', 'occurredAt', 'id', 'kind', 'status', 'runId', 'subject', 'officeId', 'procedureId', 'count', 'firstSeenAt', 'lastSeenAt', 'resolvedAt', 'links'],
  additionalProperties: false,
  properties: {
    trackingNumber: { type: 'string' },
    revision: { type: ['integer', 'null'], description: "The application's revision whose write was refused (kind projection-refused); null for the other kinds." },
    code: { type: 'string', description: "The error's class: DeterminismViolationError, a failure type, a remote system's status class (timeout, 5xx, connection-refused), a SQLSTATE." },
    reason: { type: 'string', description: "The error's first line, without payloads or personal data." },
    occurredAt: { ...instant, description: 'When it was first seen (as firstSeenAt).' },
    id: { type: 'string' },
    kind: { type: 'string', enum: INCIDENT_KINDS },
    status: { type: 'string', enum: ['open', 'resolved'] },
    runId: { type: 'string', description: 'The workflow run; empty for a projection write.' },
    subject: { type: 'string', description: 'What it concerns within the run: the error, the activity type, the service, the revision.' },
    officeId: { type: ['string', 'null'] },
    procedureId: { type: ['string', 'null'] },
    count: { type: 'integer', description: 'How many times it was seen since it opened.' },
    firstSeenAt: instant,
    lastSeenAt: instant,
    resolvedAt: instantOrNull,
    links: {
      type: 'object',
      required: ['timeline', 'auditHistory', 'temporalHistory'],
      additionalProperties: false,
      properties: {
        timeline: { type: 'string', description: "The application's timeline in this API." },
        auditHistory: { type: 'string', description: "The application's Temporal history through the audit routes (auditors, admins)." },
        temporalHistory: { type: 'string', description: "The run's history, as a path of the Temporal UI." },
      },
    },
  },
} as const;

const incidentsAnswer = {
  type: 'object',
  required: ['incidents', 'nextOffset'],
  additionalProperties: false,
  properties: {
    incidents: { type: 'array', items: incidentSchema },
    nextOffset: { type: ['integer', 'null'], description: 'The offset of the next page; null on the last.' },
  },
} as const;

const retryAnswer = {
  type: 'object',
  required: ['incident', 'outcome'],
  additionalProperties: false,
  properties: {
    incident: incidentSchema,
    outcome: {
      type: 'string',
      enum: ['resolved', 'activity-retried', 'still-failing'],
      description:
        'resolved: the condition is gone; activity-retried: the activity runs again now, and its success resolves the incident; still-failing: the workflow task still fails, and any worker may take its next attempt.',
    },
  },
} as const;

const terminateBody = {
  type: 'object',
  required: ['reason'],
  additionalProperties: false,
  properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } },
} as const;

/** Supervisors see their offices' incidents only (an office filter is checked before); an administrator every office's. */
function officesOf(principal: Principal, officeId: string | undefined): readonly string[] | undefined {
  if (officeId) return [officeId];
  return principal.role === 'admin' ? undefined : principal.offices;
}

async function visibleIncident(ctx: ApiContext, principal: Principal, id: string): Promise<IncidentRow> {
  const row = await findIncident(ctx.orm, Number(id));
  const visible = row && (principal.role === 'admin' || (row.officeId !== null && principal.offices.includes(row.officeId)));
  if (!row || !visible) throw new DomainError('incident_not_found', `No incident you can see has id ${id}.`);
  return row;
}

// gRPC's NOT_FOUND (5): what the workflow service answers for a run it does not know or that has closed.
const isNotFound = (err: unknown) => err instanceof WorkflowNotFoundError || (err as { code?: unknown } | null)?.code === 5;

/**
 * Retry now. An activity (or service task) in its retry backoff is reset through Temporal's ResetActivity:
 * its attempts start again from one, at once, and the worker resolves the incident when it succeeds. A
 * workflow task failure is retried by the workers by themselves, once fixed code is deployed: here the
 * run is asked whether its workflow task still fails — resolved if not — and its sticky queue is reset,
 * so that the next attempt goes to any worker rather than to the one that kept failing.
 */
async function retry(ctx: ApiContext, row: IncidentRow): Promise<'resolved' | 'activity-retried' | 'still-failing'> {
  const service = ctx.temporal.workflowService;
  const namespace = ctx.temporal.options.namespace;
  const execution = { workflowId: row.trackingNumber, runId: row.runId };
  const resolve = async () => {
    await resolveIncidents(ctx.orm, { kinds: [row.kind], trackingNumber: row.trackingNumber, runId: row.runId, subject: row.subject, at: new Date() });
    return 'resolved' as const;
  };
  if (row.kind === 'projection-refused') {
    throw new DomainError('incident_not_retryable', 'A projection write PostgreSQL refused for good fails the same way every time: the application carries on, and this stays for the record.');
  }
  let described;
  try {
    described = await service.describeWorkflowExecution({ namespace, execution });
  } catch (err) {
    if (isNotFound(err)) return resolve();
    throw err;
  }
  // Closed (completed, terminated, timed out…): nothing of this run runs any more.
  if (described.workflowExecutionInfo?.status !== 1) return resolve();
  if (row.kind === 'workflow-task-failure') {
    if ((described.pendingWorkflowTask?.attempt ?? 1) <= 1) return resolve();
    await service.resetStickyTaskQueue({ namespace, execution });
    return 'still-failing';
  }
  const activityType = row.kind === 'service-down' ? 'runService' : row.subject;
  const pending = described.pendingActivities?.some((a) => a.activityType?.name === activityType);
  if (!pending) return resolve();
  await service.resetActivity({ namespace, execution, type: activityType, identity: 'mohla-api incidents', resetHeartbeat: true, keepPaused: false });
  return 'activity-retried';
}

export function incidentRoutes(app: ApiRoutes, ctx: ApiContext): void {
  app.get(
    '/incidents',
    {
      config: { access: ['admin', 'supervisor'] },
      schema: {
        summary: 'Applications whose workflow is failing or stuck, most recently seen first',
        description: 'Workflow task failures, activities past their attempt threshold, remote systems down, projection writes refused for good. A supervisor sees their offices’ only.',
        tags: ['applications'],
        operationId: 'listIncidents',
        querystring: incidentQuery,
        response: answers({ 200: json('The incidents, most recently seen first.', incidentsAnswer) }),
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { trackingNumber, limit = 200, offset = 0, kind, status, officeId, procedureId } = request.query;
      if (officeId && !worksFor(principal, officeId)) {
        throw new DomainError('forbidden', `You do not work for office ${officeId}.`, [{ pointer: 'querystring:/officeId', message: 'is not one of your offices' }]);
      }
      const pointer = 'querystring:/trackingNumber';
      // An administrator may ask about an application the read model does not hold yet (stuck before its first projection).
      const application = trackingNumber
        ? principal.role === 'admin'
          ? canonicalTrackingNumber(trackingNumber, pointer)
          : (await visibleApplication(ctx, principal, trackingNumber, pointer)).trackingNumber
        : undefined;
      const rows = await listIncidents(ctx.orm, {
        ...(application ? { trackingNumber: application } : {}),
        ...(kind ? { kind } : {}),
        ...(status ? { status } : {}),
        ...(procedureId ? { procedureId } : {}),
        offices: officesOf(principal, officeId),
        // One more than asked tells whether a next page exists.
        limit: limit + 1,
        offset,
      });
      const page = rows.slice(0, limit);
      return { incidents: page.map((row) => incidentView(row, ctx.temporal.options.namespace)), nextOffset: rows.length > limit ? offset + limit : null };
    },
  );

  app.get(
    '/incidents/:id',
    {
      config: { access: ['admin', 'supervisor'] },
      schema: {
        summary: 'One incident',
        tags: ['applications'],
        operationId: 'getIncident',
        params: incidentParams,
        response: answers({ 200: json('The incident.', incidentSchema) }),
      },
    },
    async (request) => incidentView(await visibleIncident(ctx, principalOf(request), request.params.id), ctx.temporal.options.namespace),
  );

  app.post(
    '/incidents/:id/retry',
    {
      config: { access: ['admin', 'supervisor'] },
      schema: {
        summary: 'Retry now: reset a failing activity, or check whether a failing workflow task still fails',
        tags: ['applications'],
        operationId: 'retryIncident',
        params: incidentParams,
        response: answers({ 200: json('What was done, and the incident as it now stands.', retryAnswer) }),
      },
    },
    async (request) => {
      const row = await visibleIncident(ctx, principalOf(request), request.params.id);
      const outcome = row.status === 'resolved' ? 'resolved' : await retry(ctx, row);
      const now = (await findIncident(ctx.orm, row.id)) ?? row;
      return { incident: incidentView(now, ctx.temporal.options.namespace), outcome };
    },
  );

  app.post(
    '/applications/:trackingNumber/terminate',
    {
      config: { access: ['admin'] },
      schema: {
        summary: "Terminate the application's workflow, with a reason recorded in its timeline and the audit log",
        description: 'Idempotent: terminating a terminated application again answers it as it stands. An application that closed otherwise is refused (409).',
        tags: ['applications'],
        operationId: 'terminateApplication',
        params: trackingParams,
        body: terminateBody,
        response: answers({ 200: json('The application, terminated.', applicationSchema) }),
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const view = await visibleApplication(ctx, principal, request.params.trackingNumber);
      const { reason } = request.body;
      if (view.outcome !== 'terminated') {
        try {
          await ctx.temporal.workflow.getHandle(view.trackingNumber).terminate(`${reason} (by ${principal.sub})`);
        } catch (err) {
          if (!isNotFound(err)) throw err;
          // Closed already: by an earlier attempt of this request (go on recording), or by the procedure.
          const closed = await ctx.temporal.workflow.getHandle(view.trackingNumber).describe();
          if (closed.status.name !== 'TERMINATED') {
            throw new DomainError('application_closed', `Application ${view.trackingNumber} is already ${view.outcome ?? view.status}.`);
          }
        }
        await recordTermination(ctx.orm, { trackingNumber: view.trackingNumber, actor: principal.sub, reason, at: new Date() });
      }
      const after = await readApplication(ctx.orm, view.trackingNumber);
      if (!after) throw new DomainError('application_not_found', `No application has tracking number ${view.trackingNumber}.`);
      return after;
    },
  );
}
