import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ApplicationState } from '../engine/interpreter/state.js';
import type { MigrationRequest } from '../engine/machine.js';

/** Messages of the procedure workflow; the API imports these definitions to talk to it. */

export interface TaskActionRequest {
  taskId: string;
  actor: string;
}

export interface CompleteTaskRequest extends TaskActionRequest {
  outcome: string;
  data?: Record<string, unknown>;
}

export interface ReassignTaskRequest extends TaskActionRequest {
  toRole?: string;
  toAgent?: string;
}

export interface RequestComplementRequest extends TaskActionRequest {
  documents: string[];
  /** Fields of the form the citizen must enter again (language 2). */
  fields?: string[];
  note?: string;
}

export interface ProvideComplementRequest {
  documents: string[];
  /** The new values of the fields asked for (language 2). */
  data?: Record<string, unknown>;
  actor: string;
}

/** The citizen acts in the window open at `stepId` (language 2). */
export interface CitizenActRequest {
  stepId: string;
  data: Record<string, unknown>;
  actor: string;
}

export interface ExtendDeadlineRequest {
  units: number;
  reason: string;
  noticeGivenAt?: string;
  actor: string;
}

export interface WithdrawRequest {
  actor: string;
  reason?: string;
}

export const claimTask = defineUpdate<ApplicationState, [TaskActionRequest]>('claimTask');
export const releaseTask = defineUpdate<ApplicationState, [TaskActionRequest]>('releaseTask');
export const completeTask = defineUpdate<ApplicationState, [CompleteTaskRequest]>('completeTask');
export const reassignTask = defineUpdate<ApplicationState, [ReassignTaskRequest]>('reassignTask');
export const requestComplement = defineUpdate<ApplicationState, [RequestComplementRequest]>('requestComplement');
export const provideComplement = defineUpdate<ApplicationState, [ProvideComplementRequest]>('provideComplement');
export const extendDeadline = defineUpdate<ApplicationState, [ExtendDeadlineRequest]>('extendDeadline');
export const withdraw = defineUpdate<ApplicationState, [WithdrawRequest]>('withdraw');
export const actInWindow = defineUpdate<ApplicationState, [CitizenActRequest]>('actInWindow');

/**
 * An administrator moves the application to a corrected version under a migration plan
 * (engine/migration/): the new version travels whole, so that a replay reads what was applied.
 */
export const migrateApplication = defineUpdate<ApplicationState, [MigrationRequest]>('migrateApplication');

/** Sent with the start: answers once the filing is projected, so the inbox already shows the first task. */
export const confirmFiling = defineUpdate<ApplicationState, []>('confirmFiling');

/** The calendar changed (a holiday or a closure): every running deadline is rescheduled. */
export const calendarChanged = defineSignal<[]>('calendarChanged');

export const applicationStatus = defineQuery<ApplicationState>('applicationStatus');

export interface LegalDeadlineStatus {
  dueAt: string;
  dueDate: string;
  paused: boolean;
  expired: boolean;
  explanation: string[];
}

/** The legal deadline as a citizen reads it; null until it starts (e.g. on entering a later step). */
export const legalDeadline = defineQuery<LegalDeadlineStatus | null>('legalDeadline');

export const PROCEDURE_WORKFLOW = 'procedureWorkflow';

/**
 * The behaviours a workflow started now has, sent in its input (`workflowVersion`). Choosing them by
 * input rather than by `patched()` matters here: each patched() call costs every new application a
 * marker and a TemporalChangeVersion search-attribute upsert — two history events and a visibility
 * write. A history without a version predates this and keeps its patch checks as recorded.
 *
 * 1: the projection is written from a local activity.
 */
export const WORKFLOW_VERSION = 1;
