import { createHash, randomBytes } from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { ApplicationInput, PinnedProcedure } from '../engine/interpreter/state.js';
import type { PrefetchedSchedule } from '../engine/deadline/prefetched-schedules.js';
import { scheduleDeadline } from '../engine/deadline/schedule.js';
import { deadlinesStartedOnFiling } from '../engine/interpreter/filing-deadlines.js';
import { DEFAULT_CALENDAR } from '../registry/calendars.js';
import { canonicalJson } from '../engine/canonical-json.js';
import { DomainError } from '../engine/errors.js';
import { trackingNumberFromBytes } from '../engine/tracking-number.js';
import { FILING_UPDATE_ID, LEGAL_DEADLINE } from '../engine/ids.js';
import { claimTrackingNumber, findKeyedFiling, recordKeyedFiling } from '../db/filings.js';
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
 * The deadlines the filing starts, scheduled here on the current calendar so that the workflow need
 * not run a local activity for each (engine/deadline/prefetched-schedules.ts). They are read from the
 * definition, without running the filing's transition, which the workflow runs. Should that fail, the
 * workflow schedules them itself, as it does for every later deadline.
 */
async function scheduleFilingDeadlines(ctx: ApiContext, input: ApplicationInput): Promise<PrefetchedSchedule[]> {
  try {
    // The calendar first: conditions that count days choose the filing's deadlines on it, as the workflow's will.
    const calendar = await ctx.calendars.current(DEFAULT_CALENDAR);
    const requests = deadlinesStartedOnFiling(input, calendar);
    return requests.map(({ deadlineId, request }) => ({ deadlineId, request, projection: scheduleDeadline(request, calendar) }));
  } catch (err) {
    // A definition that loops at filing (language 1 let one through) would never file: say so now, not
    // in a workflow that cannot get past its first step.
    if (err instanceof DomainError && err.code === 'invalid_definition') throw err;
    return [];
  }
}

/** Draws before giving up: with 2^40 numbers, even a billion applications make a second draw rare. */
const TRACKING_NUMBER_DRAWS = 8;

/**
 * A tracking number drawn at random and reserved, so no other filing can get it. It is never derived
 * from the caller or the request: nobody can compute someone else's number, and a collision is caught
 * by the reservation and drawn again instead of meeting another citizen's application.
 */
async function reserveTrackingNumber(ctx: ApiContext): Promise<string> {
  for (let draw = 0; draw < TRACKING_NUMBER_DRAWS; draw++) {
    const trackingNumber = trackingNumberFromBytes(randomBytes(8));
    if (await claimTrackingNumber(ctx.orm, trackingNumber, new Date())) return trackingNumber;
  }
  throw new Error(`no free tracking number after ${TRACKING_NUMBER_DRAWS} draws`);
}

/**
 * The tracking number of a keyed filing: the one recorded for this caller and key, or a new one. The
 * record is keyed by caller and key, so retries (even concurrent ones, even after the API died half-way)
 * find the same application, and one caller's key never leads to another caller's application.
 */
async function keyedTrackingNumber(ctx: ApiContext, scope: string, key: string, requestHash: string): Promise<string> {
  let record = await findKeyedFiling(ctx.orm, scope, key);
  if (!record) {
    const trackingNumber = await reserveTrackingNumber(ctx);
    // A concurrent retry may have recorded its own number first: everyone uses the one recorded.
    record = await recordKeyedFiling(ctx.orm, { scope, key, requestHash, trackingNumber, createdAt: new Date() });
  }
  if (record.requestHash !== requestHash) {
    throw new DomainError('idempotency_conflict', 'This Idempotency-Key was already used to file a different application; use a new key.', [
      { pointer: 'header:/idempotency-key', message: 'was used for another request' },
    ]);
  }
  return record.trackingNumber;
}

/**
 * The application a filing found under its tracking number, if it is the filer's own. Reservations make
 * meeting another application unreachable (records made before them were derived from the key); should
 * it happen, the filer is refused rather than handed someone else's application and its PIN.
 */
function notAnothers(application: ApplicationView, request: FilingRequest): ApplicationView {
  if (application.citizen === request.citizen && application.filedBy === request.filedBy) return application;
  throw new DomainError('idempotency_conflict', 'This Idempotency-Key cannot be used again; file with a new key.', [
    { pointer: 'header:/idempotency-key', message: 'cannot be used again' },
  ]);
}

/**
 * Files an application: starts its workflow (workflow id = tracking number) and waits until the filing
 * is projected. With an Idempotency-Key, a retry finds the tracking number recorded for the caller and
 * the key, and so the same workflow.
 */
export async function fileApplication(ctx: ApiContext, request: FilingRequest): Promise<Filing> {
  const requestHash = createHash('sha256')
    .update(canonicalJson({ procedure: [request.procedure.id, request.procedure.version], officeId: request.officeId, data: request.data, citizen: request.citizen }))
    .digest('hex');
  let trackingNumber: string;
  if (request.idempotencyKey) {
    trackingNumber = await keyedTrackingNumber(ctx, request.filedBy, request.idempotencyKey, requestHash);
    const earlier = await readApplication(ctx.orm, trackingNumber);
    if (earlier) return { application: notAnothers(earlier, request), replayed: true };
  } else {
    trackingNumber = await reserveTrackingNumber(ctx);
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
  input.filingProjections = await scheduleFilingDeadlines(ctx, input);
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
    updateId: FILING_UPDATE_ID,
  });
  return { application: notAnothers(applicationView(state), request), replayed: false };
}
