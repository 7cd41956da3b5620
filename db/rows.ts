/**
 * The projection rows of an application's state: what the projection activity writes and what the API
 * reads back, so both show an application the same way.
 */
import type { ApplicationState, TaskState, TimelineEntry } from '../engine/interpreter/state.js';
import type { Command } from '../engine/interpreter/commands.js';
import { clockViews, legalDeadlineView } from '../engine/interpreter/views.js';
import { citizenTurnView } from '../engine/interpreter/citizen-window.js';
import { LEGAL_DEADLINE, serviceLevelDeadlineId } from '../engine/ids.js';
import type { ApplicationRecord, NotificationRecord, TaskRecord, TimelineRecord } from './entities.js';

const date = (iso: string | undefined): Date | null => (iso ? new Date(iso) : null);

function legalDue(state: ApplicationState): Date | null {
  const projection = state.deadlines[LEGAL_DEADLINE]?.projection;
  return projection ? new Date(projection.dueInstantMs) : null;
}

/** The named clocks as the read model keeps them; null for an application without any (language 1, most procedures). */
function clocksOf(app: ApplicationState): Array<Record<string, unknown>> | null {
  const clocks = clockViews(app);
  return clocks.length ? clocks : null;
}

/** The application's row; `erasedAt` is the retention's to set (retention/erasure.ts), never the projection's. */
export type ProjectedApplication = Omit<ApplicationRecord, 'erasedAt'>;

export function applicationRow(app: ApplicationState, procedureHash: string, now: Date): ProjectedApplication {
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
    forwardedTo: app.forwardedTo ?? null,
    dueAt: legalDue(app),
    deadline: (legalDeadlineView(app) as Record<string, unknown> | undefined) ?? null,
    citizenTurn: (citizenTurnView(app) as Record<string, unknown> | undefined) ?? null,
    clocks: clocksOf(app),
    revision: app.revision,
    updatedAt: now,
  };
}

export function taskRow(app: ApplicationState, task: TaskState, now: Date): TaskRecord {
  const serviceLevel = app.deadlines[serviceLevelDeadlineId(task.id)]?.projection;
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
    visit: task.visit ?? null,
    revision: app.revision,
    updatedAt: now,
  };
}

/** A timeline entry's row; `salt` when the audit log commits to its free text (audit/commitment.ts). */
export function timelineRow(trackingNumber: string, seq: number, entry: TimelineEntry, salt: string | null): TimelineRecord {
  return {
    trackingNumber,
    seq,
    at: new Date(entry.at),
    kind: entry.kind,
    actor: entry.actor ?? null,
    stepId: entry.stepId ?? null,
    taskId: entry.taskId ?? null,
    detail: entry.detail ?? {},
    salt,
  };
}

/** An outbox row as the projection writes it: not handed to the queue yet. */
export type OutboxRow = Omit<NotificationRecord, 'queuedAt'>;

/** The outbox row of a notify command: pending, for the notification worker to deliver. */
export function notificationRow(trackingNumber: string, command: Extract<Command, { type: 'notify' }>, now: Date): OutboxRow {
  return {
    key: command.key,
    trackingNumber,
    template: command.template,
    recipients: command.recipients,
    context: command.context,
    status: 'pending',
    createdAt: now,
  };
}
