/**
 * The projection rows of an application's state: what the projection activity writes and what the API
 * reads back, so both show an application the same way.
 */
import { LEGAL_DEADLINE, type ApplicationState, type TaskState } from '../engine/interpreter/state.js';
import { legalDeadlineView } from '../engine/interpreter/views.js';
import type { ApplicationRecord, TaskRecord } from './entities.js';

const date = (iso: string | undefined): Date | null => (iso ? new Date(iso) : null);

function legalDue(state: ApplicationState): Date | null {
  const projection = state.deadlines[LEGAL_DEADLINE]?.projection;
  return projection ? new Date(projection.dueInstantMs) : null;
}

export function applicationRow(app: ApplicationState, procedureHash: string, now: Date): ApplicationRecord {
  return {
    trackingNumber: app.trackingNumber,
    procedureId: app.procedureId,
    procedureVersion: app.procedureVersion,
    procedureHash,
    officeId: app.officeId,
    status: app.status,
    outcome: app.outcome ?? null,
    document: app.document ?? null,
    data: app.data,
    filedBy: app.filedBy,
    citizen: app.citizen,
    filedAt: new Date(app.filedAt),
    closedAt: date(app.closedAt),
    grantedBySilence: app.grantedBySilence ?? false,
    motivation: app.motivation ?? null,
    dueAt: legalDue(app),
    deadline: (legalDeadlineView(app) as Record<string, unknown> | undefined) ?? null,
    revision: app.revision,
    updatedAt: now,
  };
}

export function taskRow(app: ApplicationState, task: TaskState, now: Date): TaskRecord {
  const serviceLevel = app.deadlines[`sla:${task.id}`]?.projection;
  return {
    id: task.id,
    trackingNumber: app.trackingNumber,
    procedureId: app.procedureId,
    stepId: task.stepId,
    role: task.role,
    officeId: task.officeId,
    status: task.status,
    assignee: task.assignee ?? null,
    outcome: task.outcome ?? null,
    createdAt: new Date(task.createdAt),
    completedAt: date(task.completedAt),
    completedBy: task.completedBy ?? null,
    escalated: task.escalated ?? false,
    dueAt: legalDue(app),
    serviceLevelDueAt: serviceLevel ? new Date(serviceLevel.dueInstantMs) : null,
    revision: app.revision,
    updatedAt: now,
  };
}

