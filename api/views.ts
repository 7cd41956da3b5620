import type { MikroORM } from '@mikro-orm/postgresql';
import type { ApplicationState } from '../engine/interpreter/state.js';
import { findApplication } from '../db/applications.js';
import { applicationRow, taskRow, type ProjectedApplication } from '../db/rows.js';
import type { ApplicationRecord, DocumentRecord, TaskRecord, TimelineRecord } from '../db/entities.js';
import type { IncidentRow } from '../db/incidents.js';
import type { ApplicationView, ClockView, IssuedDocumentSummary, LegalDeadlineView, TaskView } from './answers.js';
import { issuedDocumentsOf } from '../db/issued-documents.js';
import type { ReceiptDocument } from './receipt.js';

/** A workflow's state, shown exactly as its projection will show it. */
export function applicationView(state: ApplicationState): ApplicationView {
  const now = new Date(0);
  return applicationViewFromRecords(
    applicationRow(state, '', now),
    Object.values(state.tasks).map((task) => taskRow(state, task, now)),
  );
}

/** The fields of a task that its view shows. */
export type TaskViewSource = Pick<TaskRecord, 'id' | 'stepId' | 'role' | 'officeId' | 'status' | 'assignee' | 'outcome' | 'escalated' | 'createdAt' | 'completedAt' | 'visit'>;

export function taskViewFromRecord(row: TaskViewSource): TaskView {
  return {
    id: row.id,
    stepId: row.stepId,
    role: row.role,
    officeId: row.officeId,
    status: row.status,
    assignee: row.assignee ?? null,
    outcome: row.outcome ?? null,
    escalated: row.escalated,
    createdAt: row.createdAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
    visit: row.visit ?? null,
  };
}

/** A clock as the read model keeps it: everything the answer shows but the time left. */
export type StoredClock = Omit<ClockView, 'msLeft'>;

/** Whether a clock still counts down: running, or expired and not met yet. */
export const isCounting = (clock: StoredClock): boolean => clock.status === 'running' || clock.status === 'expired';

/** The stored clocks with the time left on each, as of `now`. */
function clockListView(stored: unknown, now: Date): ClockView[] {
  return ((stored as StoredClock[] | null | undefined) ?? []).map((clock) => ({
    ...clock,
    msLeft: isCounting(clock) && clock.dueAt ? Date.parse(clock.dueAt) - now.getTime() : null,
  }));
}

function applicationViewFromRecords(app: ProjectedApplication, tasks: TaskRecord[], issuedDocuments: IssuedDocumentSummary[] = []): ApplicationView {
  return {
    trackingNumber: app.trackingNumber,
    procedure: { id: app.procedureId, version: app.procedureVersion },
    officeId: app.officeId,
    citizen: app.citizen,
    filedBy: app.filedBy,
    status: app.status,
    outcome: app.outcome ?? null,
    document: app.document ?? null,
    grantedBySilence: app.grantedBySilence,
    motivation: app.motivation ?? null,
    forwardedTo: app.forwardedTo ?? null,
    filedAt: app.filedAt.toISOString(),
    closedAt: app.closedAt?.toISOString() ?? null,
    deadline: (app.deadline as LegalDeadlineView | undefined) ?? null,
    clocks: clockListView(app.clocks, new Date()),
    tasks: tasks.map(taskViewFromRecord),
    issuedDocuments,
    ...(app.citizenTurn ? { citizenTurn: app.citizenTurn as NonNullable<ApplicationView['citizenTurn']> } : {}),
  };
}

/** The documents an application issued, as its page and the kiosk list them. */
async function issuedDocumentList(orm: MikroORM, trackingNumber: string): Promise<IssuedDocumentSummary[]> {
  return (await issuedDocumentsOf(orm, trackingNumber)).map((d) => ({
    code: d.code,
    kind: d.kind,
    document: d.documentName,
    issuedAt: d.issuedAt.toISOString(),
    status: d.revokedAt ? 'revoked' : d.supersededBy ? 'superseded' : 'valid',
    delivery: d.delivery,
  }));
}

/** An application as its projection holds it, or undefined when none has this tracking number. */
export async function readApplication(orm: MikroORM, trackingNumber: string): Promise<ApplicationView | undefined> {
  const found = await findApplication(orm, trackingNumber);
  // An open application may hold documents too: the refusal letter a citizen window issued as it opened.
  const issued = found ? await issuedDocumentList(orm, trackingNumber) : [];
  return found && applicationViewFromRecords(found.application, found.tasks, issued);
}

/** An application in a list, with the steps of its history. */
export function applicationSummaryView(app: ApplicationRecord, history: TimelineRecord[]) {
  return {
    trackingNumber: app.trackingNumber,
    procedure: { id: app.procedureId, version: app.procedureVersion },
    officeId: app.officeId,
    status: app.status,
    outcome: app.outcome ?? null,
    filedAt: app.filedAt.toISOString(),
    closedAt: app.closedAt?.toISOString() ?? null,
    dueAt: app.dueAt?.toISOString() ?? null,
    history: history.map((h) => ({ at: h.at.toISOString(), kind: h.kind, stepId: h.stepId ?? null })),
  };
}

export function timelineEntryView(row: TimelineRecord) {
  return {
    seq: row.seq,
    at: row.at.toISOString(),
    kind: row.kind,
    actor: row.actor ?? null,
    stepId: row.stepId ?? null,
    taskId: row.taskId ?? null,
    detail: row.detail,
  };
}

/** An incident as operators read it (api/routes/incidents.ts), with where to read the application's history. */
export function incidentView(row: IncidentRow, namespace: string) {
  const tn = encodeURIComponent(row.trackingNumber);
  return {
    trackingNumber: row.trackingNumber,
    revision: row.revision ?? null,
    code: row.code,
    reason: row.reason,
    occurredAt: row.firstSeenAt.toISOString(),
    id: String(row.id),
    kind: row.kind,
    status: row.status,
    runId: row.runId,
    subject: row.subject,
    officeId: row.officeId,
    procedureId: row.procedureId,
    count: row.count,
    firstSeenAt: row.firstSeenAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    resolvedAt: row.resolvedAt ? row.resolvedAt.toISOString() : null,
    links: {
      timeline: `/applications/${tn}/timeline`,
      auditHistory: `/audit/applications/${tn}/history`,
      temporalHistory: `/namespaces/${encodeURIComponent(namespace)}/workflows/${tn}/${encodeURIComponent(row.runId)}/history`,
    },
  };
}

/** A handed-in document as the receipt and the document list show it; `label` from the procedure's guide. */
export function documentView(row: DocumentRecord, label: ReceiptDocument['label']): ReceiptDocument {
  return {
    documentId: row.documentId,
    label,
    fileName: row.fileName,
    sha256: row.sha256,
    uploadedAt: row.uploadedAt.toISOString(),
  };
}
