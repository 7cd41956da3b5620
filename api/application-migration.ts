/**
 * Moving running applications to a corrected version: the dry run (which would move, which cannot and
 * why) and the batches an administrator applies. Each application's own workflow checks the move again
 * and makes it (workflows/procedure.ts, migrateApplication), so that the history holds it and replays it;
 * this module asks, sends, and records each application's result.
 */
import { createHash } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { canonicalJson } from '../engine/canonical-json.js';
import { DomainError } from '../engine/errors.js';
import { updateId } from '../engine/ids.js';
import type { PinnedProcedure } from '../engine/interpreter/state.js';
import { assessMigration, type MigrationVerdict } from '../engine/migration/assessment.js';
import type { MigrationPlan } from '../engine/migration/plan.js';
import { migrationReason } from '../engine/migration/reasons.js';
import { applicationStatus, migrateApplication } from '../workflows/messages.js';
import { applicationsToMove, recordMigrationResult, type MigrationResult, type StoredPlan } from '../db/migration-plans.js';
import type { ApiContext } from './context.js';

/** A plan's id is its content's digest: posting the same plan again finds the one stored. */
export function planId(procedureId: string, fromVersion: number, toVersion: number, plan: MigrationPlan): string {
  // Said in full, so that a plan that leaves a default out and one that spells it are the same plan.
  const meaning = {
    steps: plan.steps ?? {},
    deadlines: { legal: plan.deadlines?.legal ?? 'keep', serviceLevels: plan.deadlines?.serviceLevels ?? 'keep' },
    note: plan.note ?? null,
  };
  return `mp-${createHash('sha256').update(canonicalJson({ procedureId, fromVersion, toVersion, plan: meaning })).digest('hex').slice(0, 16)}`;
}

/** Both versions of a plan, as published. */
export async function planVersions(ctx: ApiContext, plan: Pick<StoredPlan, 'procedureId' | 'fromVersion' | 'toVersion'>): Promise<{ from: PinnedProcedure; to: PinnedProcedure }> {
  const [from, to] = await Promise.all([ctx.procedures.get(plan.procedureId, plan.fromVersion), ctx.procedures.get(plan.procedureId, plan.toVersion)]);
  const missing = [...(from ? [] : [['/fromVersion', plan.fromVersion] as const]), ...(to ? [] : [['/toVersion', plan.toVersion] as const])];
  if (!from || !to) {
    throw new DomainError(
      'procedure_not_found',
      `Procedure "${plan.procedureId}" has no published version ${missing.map(([, v]) => v).join(' or ')}.`,
      missing.map(([pointer]) => ({ pointer, message: migrationReason('notPublished') })),
    );
  }
  return { from, to };
}

export interface ApplicationAssessment {
  trackingNumber: string;
  officeId: string;
  verdict: MigrationVerdict;
}

/**
 * Asks the application's workflow how it stands and whether the plan can move it. Its form must also fit
 * the new version's, checked here with the API's validators (the workflow has none).
 */
async function assess(ctx: ApiContext, versions: { from: PinnedProcedure; to: PinnedProcedure }, plan: MigrationPlan, application: { trackingNumber: string; officeId: string }): Promise<ApplicationAssessment> {
  let state;
  try {
    state = await ctx.temporal.workflow.getHandle(application.trackingNumber).query(applicationStatus);
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    return { ...application, verdict: { movable: false, code: 'not_movable', reasons: [migrationReason('ended')] } };
  }
  const verdict = assessMigration(versions.from, versions.to, plan, state);
  if (!verdict.movable) return { ...application, verdict };
  const formErrors = ctx.procedures.validateForm(versions.to, state.data);
  if (formErrors.length) {
    const reasons = formErrors.map((e) => migrationReason('form', { version: versions.to.version, field: e.pointer, problem: e.message }));
    return { ...application, verdict: { movable: false, code: 'not_movable', reasons } };
  }
  return { ...application, verdict };
}

/** Runs `work` over `items`, a few at a time: Temporal answers each query or update on its own. */
async function inTurn<T, R>(items: T[], work: (item: T) => Promise<R>, concurrency = 4): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** The dry run: every open application still on the old version, movable or not and why. Nothing changes. */
export async function dryRun(ctx: ApiContext, plan: StoredPlan, limit: number): Promise<ApplicationAssessment[]> {
  const versions = await planVersions(ctx, plan);
  const applications = await applicationsToMove(ctx.orm, plan, { limit, refusedToo: true });
  return inTurn(applications, async (application) => {
    try {
      return await assess(ctx, versions, plan.plan, application);
    } catch (err) {
      // One workflow that does not answer (its worker away) is listed as such; the others are still tried.
      return { ...application, verdict: { movable: false, code: 'not_movable', reasons: [migrationReason('noAnswer', { detail: firstLine(err) })] } };
    }
  });
}

const firstLine = (err: unknown) => (err instanceof Error ? err.message.split('\n')[0]! : String(err));

export interface BatchResult {
  trackingNumber: string;
  officeId: string;
  result: MigrationResult;
  steps?: Record<string, string>;
  reasons: string[];
}

/** Why Temporal refused the update, when it was the workflow's own check: its code and reasons. */
function refusal(err: unknown): { code: string; reasons: string[] } | undefined {
  const failure = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
  if (!(failure instanceof ApplicationFailure) || !failure.type) return undefined;
  const details = (failure.details?.[0] ?? []) as Array<{ message?: unknown }>;
  const reasons = Array.isArray(details) ? details.flatMap((d) => (typeof d?.message === 'string' ? [d.message] : [])) : [];
  return { code: failure.type, reasons: reasons.length ? reasons : [failure.message] };
}

/** Moves one application, or says why not; a retried batch sends the same update id, which Temporal answers once. */
async function move(ctx: ApiContext, versions: { from: PinnedProcedure; to: PinnedProcedure }, plan: StoredPlan, actor: string, application: { trackingNumber: string; officeId: string }): Promise<BatchResult> {
  const base = { trackingNumber: application.trackingNumber, officeId: application.officeId };
  let result: BatchResult;
  try {
    const assessed = await assess(ctx, versions, plan.plan, application);
    const verdict = assessed.verdict;
    if (!verdict.movable) {
      result = verdict.code === 'already_migrated' ? { ...base, result: 'moved', reasons: [] } : { ...base, result: 'refused', reasons: verdict.reasons };
    } else {
      await ctx.temporal.workflow.getHandle(application.trackingNumber).executeUpdate(migrateApplication, {
        args: [{ planId: plan.id, procedure: versions.to, plan: plan.plan, actor, fromVersion: plan.fromVersion }],
        updateId: updateId('migrate', application.trackingNumber, plan.id),
      });
      result = { ...base, result: 'moved', steps: verdict.steps, reasons: [] };
    }
  } catch (err) {
    const refused = refusal(err);
    if (refused?.code === 'already_migrated') result = { ...base, result: 'moved', reasons: [] };
    else if (refused) result = { ...base, result: 'refused', reasons: refused.reasons };
    else if (err instanceof WorkflowNotFoundError) result = { ...base, result: 'refused', reasons: [migrationReason('ended')] };
    // Temporal or PostgreSQL away: nothing moved, and the next batch tries again.
    else result = { ...base, result: 'failed', reasons: [migrationReason('notSent', { detail: firstLine(err) })] };
  }
  await recordMigrationResult(ctx.orm, plan.id, { trackingNumber: result.trackingNumber, result: result.result, reasons: result.reasons, actor, at: new Date() });
  return result;
}

/** One batch: up to `size` applications not yet moved (those refused before only when `refusedToo`), each reported. */
export async function applyBatch(ctx: ApiContext, plan: StoredPlan, actor: string, options: { size: number; refusedToo: boolean }): Promise<BatchResult[]> {
  const versions = await planVersions(ctx, plan);
  const applications = await applicationsToMove(ctx.orm, plan, { limit: options.size, refusedToo: options.refusedToo });
  return inTurn(applications, (application) => move(ctx, versions, plan, actor, application));
}
