import { createHash, randomBytes } from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { LEGAL_DEADLINE, type ApplicationInput, type PinnedProcedure } from '../engine/application.js';
import { projectDeadline } from '../engine/deadline-projection.js';
import { filingProjectionRequests, type PrefetchedProjection } from '../engine/filing-projections.js';
import { DEFAULT_CALENDAR } from '../registry/calendars.js';
import { canonicalJson } from '../engine/canonical-json.js';
import { DomainError } from '../engine/errors.js';
import { trackingNumberFromBytes } from '../engine/tracking-number.js';
import { IdempotentFiling } from '../db/entities.js';
import { confirmFiling, PROCEDURE_WORKFLOW, WORKFLOW_VERSION } from '../workflows/messages.js';
import { searchAttributes } from '../workflows/search-attributes.js';
import type { ApiContext } from './context.js';
import type { ApplicationView } from './answers.js';
import { applicationView, readApplication } from './views.js';

export interface FilingRequest {
  procedure: PinnedProcedure;
  officeId: string;
  data: Record<string, unknown>;
  citizen: string;
  filedBy: string;
  idempotencyKey?: string;
}

export interface Filing {
  application: ApplicationView;
  /** True when an earlier identical request (same Idempotency-Key) had already filed it. */
  replayed: boolean;
}

/**
 * The deadlines the filing starts, projected here on the current calendar so that the workflow need
 * not run a local activity for each (engine/filing-projections.ts). Should that fail, the workflow
 * projects them itself, as it does for every later deadline.
 */
async function projectFilingDeadlines(ctx: ApiContext, input: ApplicationInput): Promise<PrefetchedProjection[]> {
  try {
    const requests = filingProjectionRequests(input);
    if (!requests.length) return [];
    const calendar = await ctx.calendars.current(DEFAULT_CALENDAR);
    return requests.map(({ deadlineId, request }) => ({ deadlineId, request, projection: projectDeadline(request, calendar) }));
  } catch {
    return [];
  }
}

/**
 * Files an application: starts its workflow (workflow id = tracking number) and waits until the filing
 * is projected. With an Idempotency-Key, the tracking number is derived from the caller and the key, so
 * a retry — even one that arrives after the API crashed half-way — finds the same workflow.
 */
export async function fileApplication(ctx: ApiContext, request: FilingRequest): Promise<Filing> {
  const requestHash = createHash('sha256')
    .update(canonicalJson({ procedure: [request.procedure.id, request.procedure.version], officeId: request.officeId, data: request.data, citizen: request.citizen }))
    .digest('hex');
  let trackingNumber = trackingNumberFromBytes(randomBytes(8));
  if (request.idempotencyKey) {
    const scope = request.filedBy;
    trackingNumber = trackingNumberFromBytes(createHash('sha256').update(`${scope}\n${request.idempotencyKey}`).digest());
    const em = ctx.orm.em.fork();
    await em
      .createQueryBuilder(IdempotentFiling)
      .insert({ scope, key: request.idempotencyKey, requestHash, trackingNumber, createdAt: new Date() })
      .onConflict(['scope', 'key'])
      .ignore()
      .execute();
    const record = await em.findOneOrFail(IdempotentFiling, { scope, key: request.idempotencyKey });
    if (record.requestHash !== requestHash) {
      throw new DomainError('idempotency_conflict', 'This Idempotency-Key was already used to file a different application; use a new key.', [
        { pointer: 'header:/idempotency-key', message: 'was used for another request' },
      ]);
    }
    const earlier = await readApplication(ctx.orm, trackingNumber);
    if (earlier) return { application: earlier, replayed: true };
  }
  const input: ApplicationInput = {
    trackingNumber,
    procedure: request.procedure,
    officeId: request.officeId,
    data: request.data,
    citizen: request.citizen,
    filedBy: request.filedBy,
    filedAt: new Date().toISOString(),
    workflowVersion: WORKFLOW_VERSION,
  };
  input.filingProjections = await projectFilingDeadlines(ctx, input);
  const legal = input.filingProjections.find((p) => p.deadlineId === LEGAL_DEADLINE);
  const start = new WithStartWorkflowOperation(PROCEDURE_WORKFLOW, {
    workflowId: trackingNumber,
    taskQueue: ctx.taskQueue,
    args: [input],
    // A retry with the same key meets the running workflow and gets its state, not a second application.
    workflowIdConflictPolicy: request.idempotencyKey ? 'USE_EXISTING' : 'FAIL',
    // A tracking number never names two applications, even after the first one closed.
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: new TypedSearchAttributes([
      { key: searchAttributes.procedure, value: request.procedure.id },
      { key: searchAttributes.procedureVersion, value: request.procedure.version },
      { key: searchAttributes.office, value: request.officeId },
      { key: searchAttributes.status, value: 'open' },
      { key: searchAttributes.trackingNumber, value: trackingNumber },
      ...(legal ? [{ key: searchAttributes.dueAt, value: new Date(legal.projection.dueInstantMs) }] : []),
    ]),
  });
  const state = await ctx.temporal.workflow.executeUpdateWithStart(confirmFiling, {
    args: [],
    startWorkflowOperation: start,
    updateId: 'confirm-filing',
  });
  return { application: applicationView(state), replayed: false };
}
