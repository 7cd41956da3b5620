import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ApplicationState } from '../engine/application.js';

/** Messages of the procedure workflow; the API imports these definitions to talk to it. */

export interface ClaimTaskRequest {
  taskId: string;
  actor: string;
}

export interface CompleteTaskRequest {
  taskId: string;
  outcome: string;
  data?: Record<string, unknown>;
  actor: string;
}

export const claimTask = defineUpdate<ApplicationState, [ClaimTaskRequest]>('claimTask');
export const completeTask = defineUpdate<ApplicationState, [CompleteTaskRequest]>('completeTask');
export const applicationStatus = defineQuery<ApplicationState>('applicationStatus');

export const PROCEDURE_WORKFLOW = 'procedureWorkflow';

/** Sent with the start: answers once the filing is projected, so the inbox already shows the first task. */
export const confirmFiling = defineUpdate<ApplicationState, []>('confirmFiling');
