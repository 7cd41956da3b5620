import { EntitySchema } from '@mikro-orm/core';

/**
 * PostgreSQL holds projections, not truth: Temporal's history is the source of truth and every row here
 * can be rebuilt from it. `revision` is the application's revision at the time of the write, so a late,
 * retried write never overwrites a newer one.
 */
export interface ApplicationRecord {
  trackingNumber: string;
  procedureId: string;
  procedureVersion: number;
  procedureHash: string;
  officeId: string;
  status: string;
  outcome?: string | null;
  document?: string | null;
  data: Record<string, unknown>;
  filedBy: string;
  filedAt: Date;
  closedAt?: Date | null;
  grantedBySilence: boolean;
  motivation?: string | null;
  /** The legal deadline: due instant, whether paused, its explanation and ledger. */
  dueAt?: Date | null;
  deadline?: Record<string, unknown> | null;
  citizen: string;
  revision: number;
  updatedAt: Date;
  /** When `mohla retention` erased its personal data (retention/erasure.ts). */
  erasedAt?: Date | null;
}

export interface TaskRecord {
  id: string;
  trackingNumber: string;
  procedureId: string;
  stepId: string;
  role: string;
  officeId: string;
  status: string;
  assignee?: string | null;
  outcome?: string | null;
  createdAt: Date;
  completedAt?: Date | null;
  completedBy?: string | null;
  escalated: boolean;
  /** The application's legal due instant, so the inbox sorts by it. */
  dueAt?: Date | null;
  /** The task's own service level, when its step has one. */
  serviceLevelDueAt?: Date | null;
  revision: number;
  updatedAt: Date;
}

export const Application = new EntitySchema<ApplicationRecord>({
  name: 'Application',
  tableName: 'application',
  properties: {
    trackingNumber: { type: 'string', length: 16, primary: true },
    procedureId: { type: 'string', length: 64, index: true },
    procedureVersion: { type: 'integer' },
    procedureHash: { type: 'string', length: 64 },
    officeId: { type: 'string', length: 64 },
    status: { type: 'string', length: 16 },
    outcome: { type: 'string', length: 16, nullable: true },
    document: { type: 'string', length: 128, nullable: true },
    data: { type: 'json' },
    filedBy: { type: 'string', length: 128 },
    filedAt: { type: 'datetime' },
    closedAt: { type: 'datetime', nullable: true },
    grantedBySilence: { type: 'boolean', default: false },
    motivation: { type: 'text', nullable: true },
    dueAt: { type: 'datetime', nullable: true },
    deadline: { type: 'json', nullable: true },
    citizen: { type: 'string', length: 128, default: '' },
    revision: { type: 'integer' },
    updatedAt: { type: 'datetime' },
    erasedAt: { type: 'datetime', nullable: true },
  },
  indexes: [{ properties: ['officeId', 'status', 'filedAt'] }, { properties: ['citizen', 'filedAt'] }],
});

export const Task = new EntitySchema<TaskRecord>({
  name: 'Task',
  tableName: 'task',
  properties: {
    id: { type: 'string', length: 128, primary: true },
    trackingNumber: { type: 'string', length: 16, index: true },
    procedureId: { type: 'string', length: 64 },
    stepId: { type: 'string', length: 64 },
    role: { type: 'string', length: 64 },
    officeId: { type: 'string', length: 64 },
    status: { type: 'string', length: 16 },
    assignee: { type: 'string', length: 128, nullable: true },
    outcome: { type: 'string', length: 64, nullable: true },
    createdAt: { type: 'datetime' },
    completedAt: { type: 'datetime', nullable: true },
    completedBy: { type: 'string', length: 128, nullable: true },
    escalated: { type: 'boolean', default: false },
    dueAt: { type: 'datetime', nullable: true },
    serviceLevelDueAt: { type: 'datetime', nullable: true },
    revision: { type: 'integer' },
    updatedAt: { type: 'datetime' },
  },
  indexes: [
    { properties: ['officeId', 'status', 'createdAt'] },
    { properties: ['officeId', 'status', 'dueAt'] },
    /**
     * The inbox: an office's open and claimed tasks in the order it shows them (legal due date, no date
     * last, then id), so that a page is read straight off the index, the cursor being where to start.
     */
    {
      name: 'task_inbox_index',
      expression: `create index "task_inbox_index" on "task" ("office_id", (coalesce("due_at", 'infinity'::timestamptz)), "id") where "status" in ('open', 'claimed')`,
    },
  ],
});

export interface ProcedureVersionRecord {
  procedureId: string;
  version: number;
  hash: string;
  definition: Record<string, unknown>;
  source: string;
  publishedBy: string;
  publishedAt: Date;
}

/** The registry of published versions: rows are inserted once and never updated. */
export const ProcedureVersion = new EntitySchema<ProcedureVersionRecord>({
  name: 'ProcedureVersion',
  tableName: 'procedure_version',
  properties: {
    procedureId: { type: 'string', length: 64, primary: true },
    version: { type: 'integer', primary: true },
    hash: { type: 'string', length: 64 },
    // json, not jsonb: jsonb reorders keys, and a form's fields must keep the order the designer gave them.
    definition: { type: 'json', columnType: 'json' },
    source: { type: 'string', length: 16 },
    publishedBy: { type: 'string', length: 128 },
    publishedAt: { type: 'datetime' },
  },
});

/** The readable history of an application: who did what when, every deadline event. Append-only. */
export interface TimelineRecord {
  trackingNumber: string;
  seq: number;
  at: Date;
  kind: string;
  actor?: string | null;
  stepId?: string | null;
  taskId?: string | null;
  detail: Record<string, unknown>;
  /** The salt of the audit log's commitments to this entry's free text (audit/commitment.ts); erased with it. */
  salt?: string | null;
}

export const TimelineEntry = new EntitySchema<TimelineRecord>({
  name: 'TimelineEntry',
  tableName: 'timeline_entry',
  properties: {
    trackingNumber: { type: 'string', length: 16, primary: true },
    seq: { type: 'integer', primary: true },
    at: { type: 'datetime' },
    kind: { type: 'string', length: 32 },
    actor: { type: 'string', length: 128, nullable: true },
    stepId: { type: 'string', length: 64, nullable: true },
    taskId: { type: 'string', length: 128, nullable: true },
    detail: { type: 'json' },
    salt: { type: 'string', length: 64, nullable: true },
  },
});

/**
 * Messages the workflow asked to send, keyed by a business key (application + event): a retried
 * activity finds its row and sends nothing twice. The notification worker delivers them.
 */
export interface NotificationRecord {
  key: string;
  trackingNumber: string;
  template: string;
  recipients: string[];
  context: Record<string, unknown>;
  status: string;
  createdAt: Date;
  /** When the message was handed to the notification queue; null until then, so a relay can finish the job. */
  queuedAt?: Date | null;
}

export const Notification = new EntitySchema<NotificationRecord>({
  name: 'Notification',
  tableName: 'notification',
  properties: {
    key: { type: 'string', length: 200, primary: true },
    trackingNumber: { type: 'string', length: 16, index: true },
    template: { type: 'string', length: 64 },
    recipients: { type: 'json' },
    context: { type: 'json' },
    status: { type: 'string', length: 16 },
    createdAt: { type: 'datetime' },
    queuedAt: { type: 'datetime', nullable: true },
  },
  indexes: [
    {
      name: 'notification_not_queued_idx',
      expression: `create index "notification_not_queued_idx" on "notification" ("created_at") where "status" = 'pending' and "queued_at" is null`,
    },
  ],
});

/** Calendar versions: a correction (a confirmed Eid, a closure) is a new version, never an edit. */
export interface CalendarVersionRecord {
  calendarId: string;
  version: number;
  content: Record<string, unknown>;
  change: string;
  changedBy: string;
  createdAt: Date;
}

export const CalendarVersion = new EntitySchema<CalendarVersionRecord>({
  name: 'CalendarVersion',
  tableName: 'calendar_version',
  properties: {
    calendarId: { type: 'string', length: 32, primary: true },
    version: { type: 'integer', primary: true },
    content: { type: 'json' },
    change: { type: 'text' },
    changedBy: { type: 'string', length: 128 },
    createdAt: { type: 'datetime' },
  },
});

/** A document a citizen (or an agent for them) handed in; the bytes live in the document storage. */
export interface DocumentRecord {
  trackingNumber: string;
  documentId: string;
  sha256: string;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  storageKey: string;
  uploadedBy: string;
  uploadedAt: Date;
}

export const ApplicationDocument = new EntitySchema<DocumentRecord>({
  name: 'ApplicationDocument',
  tableName: 'application_document',
  properties: {
    trackingNumber: { type: 'string', length: 16, primary: true },
    documentId: { type: 'string', length: 64, primary: true },
    sha256: { type: 'string', length: 64, primary: true },
    fileName: { type: 'string', length: 255 },
    mediaType: { type: 'string', length: 64 },
    sizeBytes: { type: 'integer' },
    storageKey: { type: 'string', length: 300 },
    uploadedBy: { type: 'string', length: 128 },
    uploadedAt: { type: 'datetime' },
  },
});

/** A filing made with an Idempotency-Key: the same key from the same caller finds the same application. */
export interface IdempotencyRecord {
  scope: string;
  key: string;
  requestHash: string;
  trackingNumber: string;
  createdAt: Date;
}

export const IdempotentFiling = new EntitySchema<IdempotencyRecord>({
  name: 'IdempotentFiling',
  tableName: 'idempotent_filing',
  properties: {
    scope: { type: 'string', length: 128, primary: true },
    key: { type: 'string', length: 128, primary: true },
    requestHash: { type: 'string', length: 64 },
    trackingNumber: { type: 'string', length: 16 },
    createdAt: { type: 'datetime' },
  },
});

/**
 * Every tracking number handed out, so that a number drawn at random is never handed out twice: a
 * collision is found here, before any workflow starts, and a new number is drawn.
 */
export interface TrackingNumberReservationRecord {
  trackingNumber: string;
  reservedAt: Date;
}

export const TrackingNumberReservation = new EntitySchema<TrackingNumberReservationRecord>({
  name: 'TrackingNumberReservation',
  tableName: 'tracking_number_reservation',
  properties: {
    trackingNumber: { type: 'string', length: 16, primary: true },
    reservedAt: { type: 'datetime' },
  },
});

/**
 * A transition of an application that PostgreSQL refused for good (text it cannot store, a value out of
 * range): retrying would never succeed, so the projection kept what it could and recorded this for an
 * administrator. `reason` names the rule broken, never the data.
 */
export interface ProjectionIncidentRecord {
  trackingNumber: string;
  revision: number;
  code: string;
  reason: string;
  occurredAt: Date;
}

export const ProjectionIncident = new EntitySchema<ProjectionIncidentRecord>({
  name: 'ProjectionIncident',
  tableName: 'projection_incident',
  properties: {
    trackingNumber: { type: 'string', length: 16, primary: true },
    revision: { type: 'integer', primary: true },
    code: { type: 'string', length: 5 },
    reason: { type: 'string', length: 300 },
    occurredAt: { type: 'datetime' },
  },
});

/**
 * The staff directory: who holds which role in which office, and how to reach them. `id` is the
 * person's identity in Mohla (the subject of their token, the assignee of their tasks).
 */
export interface StaffMemberRecord {
  id: string;
  officeId: string;
  role: string;
  name: string;
  email?: string | null;
  phone?: string | null;
  language: string;
  updatedAt: Date;
}

export const StaffMember = new EntitySchema<StaffMemberRecord>({
  name: 'StaffMember',
  tableName: 'staff_member',
  properties: {
    id: { type: 'string', length: 128, primary: true },
    officeId: { type: 'string', length: 64 },
    role: { type: 'string', length: 64 },
    name: { type: 'string', length: 200 },
    email: { type: 'string', length: 254, nullable: true },
    phone: { type: 'string', length: 32, nullable: true },
    language: { type: 'string', length: 2 },
    updatedAt: { type: 'datetime' },
  },
  indexes: [{ properties: ['officeId', 'role'] }],
});

/**
 * One message of a notification to one person over one channel: what was said, to which address, and
 * whether it left. The record of proof that a citizen was told, and what keeps a retry from sending
 * twice. A recipient nobody could be found for is kept too, as a failed delivery on channel `none`.
 */
export interface NotificationDeliveryRecord {
  notificationKey: string;
  channel: string;
  /** `citizen`, or a staff member's id; for a gap, the role or `assignee` that nobody holds. */
  recipient: string;
  address?: string | null;
  language: string;
  subject: string;
  body: string;
  /** pending → sending → sent; or failed (retries exhausted, refused, or interrupted mid-send). */
  status: string;
  attempts: number;
  error?: string | null;
  provider?: string | null;
  providerMessageId?: string | null;
  createdAt: Date;
  updatedAt: Date;
  sentAt?: Date | null;
}

export const NotificationDelivery = new EntitySchema<NotificationDeliveryRecord>({
  name: 'NotificationDelivery',
  tableName: 'notification_delivery',
  properties: {
    notificationKey: { type: 'string', length: 200, primary: true },
    channel: { type: 'string', length: 16, primary: true },
    recipient: { type: 'string', length: 128, primary: true },
    address: { type: 'string', length: 254, nullable: true },
    language: { type: 'string', length: 2 },
    subject: { type: 'text' },
    body: { type: 'text' },
    status: { type: 'string', length: 16 },
    attempts: { type: 'integer', default: 0 },
    error: { type: 'text', nullable: true },
    provider: { type: 'string', length: 32, nullable: true },
    providerMessageId: { type: 'string', length: 200, nullable: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime' },
    sentAt: { type: 'datetime', nullable: true },
  },
});

/**
 * The tamper-evident audit log: every human action and deadline event, in one hash chain. Each row's
 * hash covers the previous row's hash and a canonical form of the row; the database refuses updates and
 * deletes (a trigger), and `mohla audit verify` names the first row that was altered or removed anyway.
 */
export interface AuditRecord {
  seq: number;
  trackingNumber: string;
  entrySeq: number;
  at: Date;
  kind: string;
  actor?: string | null;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export const AuditEntry = new EntitySchema<AuditRecord>({
  name: 'AuditEntry',
  tableName: 'audit_entry',
  properties: {
    seq: { type: 'bigint', primary: true, autoincrement: false },
    trackingNumber: { type: 'string', length: 16 },
    entrySeq: { type: 'integer' },
    at: { type: 'datetime' },
    kind: { type: 'string', length: 32 },
    actor: { type: 'string', length: 128, nullable: true },
    detail: { type: 'json' },
    prevHash: { type: 'string', length: 64 },
    hash: { type: 'string', length: 64 },
  },
  uniques: [{ properties: ['trackingNumber', 'entrySeq'] }],
});

export const entities = [
  Application,
  Task,
  ProcedureVersion,
  TimelineEntry,
  Notification,
  CalendarVersion,
  ApplicationDocument,
  IdempotentFiling,
  TrackingNumberReservation,
  ProjectionIncident,
  StaffMember,
  NotificationDelivery,
  AuditEntry,
];
