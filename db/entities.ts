/**
 * Every table, defined once: the entity MikroORM maps (and the migrations were generated from), the
 * row's TypeScript type (`…Record`, inferred from the entity) and, for the statements written by hand,
 * the column names (`columnsOf`). A column added here is added to all three.
 *
 * PostgreSQL holds projections, not truth: Temporal's history is the source of truth and every row of
 * the read model (applications, tasks, the timeline) can be rebuilt from it.
 */
import { defineEntity, p, UnderscoreNamingStrategy, type EntityProperty, type EntitySchema, type InferEntity, type PrimaryKeyProp } from '@mikro-orm/core';

type NullableKeys<E> = { [K in keyof E]-?: null extends E[K] ? K : never }[keyof E];
type Flat<T> = { [K in keyof T]: T[K] };

/** A table's row as plain data, typed by its entity: a nullable column may be left out. */
export type Row<Schema> = Flat<
  Omit<InferEntity<Schema>, NullableKeys<InferEntity<Schema>> | typeof PrimaryKeyProp> & Partial<Pick<InferEntity<Schema>, NullableKeys<InferEntity<Schema>>>>
>;

/**
 * `revision` is the application's revision at the time of the write, so a late, retried write never
 * overwrites a newer one.
 */
export const Application = defineEntity({
  name: 'Application',
  tableName: 'application',
  properties: {
    trackingNumber: p.string().length(16).primary(),
    procedureId: p.string().length(64).index(),
    procedureVersion: p.integer(),
    procedureHash: p.string().length(64),
    officeId: p.string().length(64),
    status: p.string().length(16),
    outcome: p.string().length(16).nullable(),
    document: p.string().length(128).nullable(),
    data: p.json<Record<string, unknown>>(),
    filedBy: p.string().length(128),
    filedAt: p.datetime(),
    closedAt: p.datetime().nullable(),
    grantedBySilence: p.boolean().default(false),
    motivation: p.text().nullable(),
    /** The competent body a forwarded application went to, in the three languages. */
    forwardedTo: p.json<{ ar: string; fr: string; en: string }>().nullable(),
    /** The legal deadline: due instant, whether paused, its explanation and ledger. */
    dueAt: p.datetime().nullable(),
    deadline: p.json<Record<string, unknown>>().nullable(),
    /** The named clocks, in the order they started: label, status, due date, explanation and ledger of each. */
    clocks: p.json<Array<Record<string, unknown>>>().nullable(),
    citizen: p.string().length(128).default(''),
    /** The window open for the citizen to act (language 2): its step and due date. */
    citizenTurn: p.json<Record<string, unknown>>().nullable(),
    revision: p.integer(),
    updatedAt: p.datetime(),
    /** When `mohla retention` erased its personal data (retention/erasure.ts). */
    erasedAt: p.datetime().nullable(),
  },
  indexes: [
    { properties: ['officeId', 'status', 'filedAt'] },
    { properties: ['citizen', 'filedAt'] },
    // The open applications of one version, oldest first: what each batch of a migration plan reads.
    {
      name: 'application_open_by_version_idx',
      expression: `create index "application_open_by_version_idx" on "application" ("procedure_id", "procedure_version", "filed_at", "tracking_number") where "status" = 'open'`,
    },
  ],
});
export type ApplicationRecord = Row<typeof Application>;

export const Task = defineEntity({
  name: 'Task',
  tableName: 'task',
  properties: {
    id: p.string().length(128).primary(),
    trackingNumber: p.string().length(16).index(),
    procedureId: p.string().length(64),
    stepId: p.string().length(64),
    role: p.string().length(64),
    officeId: p.string().length(64),
    status: p.string().length(16),
    assignee: p.string().length(128).nullable(),
    outcome: p.string().length(64).nullable(),
    createdAt: p.datetime(),
    completedAt: p.datetime().nullable(),
    completedBy: p.string().length(128).nullable(),
    escalated: p.boolean().default(false),
    /** The application's legal due instant, so the inbox sorts by it. */
    dueAt: p.datetime().nullable(),
    /** The task's own service level, when its step has one. */
    serviceLevelDueAt: p.datetime().nullable(),
    /** Which visit of its step created the task (a second sitting is 2); null for tasks created before it was kept. */
    visit: p.integer().nullable(),
    revision: p.integer(),
    updatedAt: p.datetime(),
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
export type TaskRecord = Row<typeof Task>;

/** The registry of published versions: rows are inserted once and never updated. */
export const ProcedureVersion = defineEntity({
  name: 'ProcedureVersion',
  tableName: 'procedure_version',
  properties: {
    procedureId: p.string().length(64).primary(),
    version: p.integer().primary(),
    hash: p.string().length(64),
    // json, not jsonb: jsonb reorders keys, and a form's fields must keep the order the designer gave them.
    definition: p.json<Record<string, unknown>>().columnType('json'),
    /** The procedure language it was published under (engine/language.ts). */
    languageVersion: p.smallint(),
    source: p.string().length(16),
    publishedBy: p.string().length(128),
    publishedAt: p.datetime(),
  },
});
export type ProcedureVersionRecord = Row<typeof ProcedureVersion>;

/** The readable history of an application: who did what when, every deadline event. Append-only. */
export const TimelineEntry = defineEntity({
  name: 'TimelineEntry',
  tableName: 'timeline_entry',
  properties: {
    trackingNumber: p.string().length(16).primary(),
    seq: p.integer().primary(),
    at: p.datetime(),
    kind: p.string().length(32),
    actor: p.string().length(128).nullable(),
    stepId: p.string().length(64).nullable(),
    taskId: p.string().length(128).nullable(),
    detail: p.json<Record<string, unknown>>(),
    /** The salt of the audit log's commitments to this entry's free text (audit/commitment.ts); erased with it. */
    salt: p.string().length(64).nullable(),
  },
});
export type TimelineRecord = Row<typeof TimelineEntry>;

/**
 * Messages the workflow asked to send, keyed by a business key (application + event): a retried
 * activity finds its row and sends nothing twice. The notification worker delivers them.
 */
export const Notification = defineEntity({
  name: 'Notification',
  tableName: 'notification',
  properties: {
    key: p.string().length(200).primary(),
    trackingNumber: p.string().length(16).index(),
    template: p.string().length(64),
    recipients: p.json<string[]>(),
    context: p.json<Record<string, unknown>>(),
    status: p.string().length(16),
    createdAt: p.datetime(),
    /** When the message was handed to the notification queue; null until then, so a relay can finish the job. */
    queuedAt: p.datetime().nullable(),
  },
  indexes: [
    {
      name: 'notification_not_queued_idx',
      expression: `create index "notification_not_queued_idx" on "notification" ("created_at") where "status" = 'pending' and "queued_at" is null`,
    },
  ],
});
export type NotificationRecord = Row<typeof Notification>;

/** Calendar versions: a correction (a confirmed Eid, a closure) is a new version, never an edit. */
export const CalendarVersion = defineEntity({
  name: 'CalendarVersion',
  tableName: 'calendar_version',
  properties: {
    calendarId: p.string().length(32).primary(),
    version: p.integer().primary(),
    content: p.json<Record<string, unknown>>(),
    change: p.text(),
    changedBy: p.string().length(128),
    createdAt: p.datetime(),
  },
});
export type CalendarVersionRecord = Row<typeof CalendarVersion>;

/** A document a citizen (or an agent for them) handed in; the bytes live in the document storage. */
export const ApplicationDocument = defineEntity({
  name: 'ApplicationDocument',
  tableName: 'application_document',
  properties: {
    trackingNumber: p.string().length(16).primary(),
    documentId: p.string().length(64).primary(),
    sha256: p.string().length(64).primary(),
    fileName: p.string().length(255),
    mediaType: p.string().length(64),
    sizeBytes: p.integer(),
    storageKey: p.string().length(300),
    uploadedBy: p.string().length(128),
    uploadedAt: p.datetime(),
  },
});
export type DocumentRecord = Row<typeof ApplicationDocument>;

/** A filing made with an Idempotency-Key: the same key from the same caller finds the same application. */
export const IdempotentFiling = defineEntity({
  name: 'IdempotentFiling',
  tableName: 'idempotent_filing',
  properties: {
    scope: p.string().length(128).primary(),
    key: p.string().length(128).primary(),
    requestHash: p.string().length(64),
    trackingNumber: p.string().length(16),
    createdAt: p.datetime(),
  },
});
export type IdempotencyRecord = Row<typeof IdempotentFiling>;

/**
 * Every tracking number handed out, so that a number drawn at random is never handed out twice: a
 * collision is found here, before any workflow starts, and a new number is drawn.
 */
const TrackingNumberReservation = defineEntity({
  name: 'TrackingNumberReservation',
  tableName: 'tracking_number_reservation',
  properties: {
    trackingNumber: p.string().length(16).primary(),
    reservedAt: p.datetime(),
  },
});

/**
 * An application whose workflow is failing or stuck, as an operator must see it (db/incidents.ts):
 * Temporal keeps no list of failing workflow tasks, so the worker records them here, with activities
 * past their attempt threshold, remote systems that are down, and projection writes PostgreSQL refused
 * for good. One row per condition — kind, application, run and `subject` (the error, the activity, the
 * service, the revision) — seen `count` times between `firstSeenAt` and `lastSeenAt`. `reason` is the
 * error's text without payloads or personal data.
 */
export const Incident = defineEntity({
  name: 'Incident',
  tableName: 'incident',
  properties: {
    id: p.integer().primary().autoincrement(),
    kind: p.string().length(32),
    trackingNumber: p.string().length(64).index(),
    runId: p.string().length(64),
    subject: p.string().length(128),
    revision: p.integer().nullable(),
    code: p.string().length(64),
    reason: p.string().length(500),
    status: p.string().length(16),
    firstSeenAt: p.datetime(),
    lastSeenAt: p.datetime(),
    count: p.integer(),
    resolvedAt: p.datetime().nullable(),
  },
  uniques: [{ properties: ['kind', 'trackingNumber', 'runId', 'subject'] }],
});
export type IncidentRecord = Row<typeof Incident>;

/**
 * The staff directory: who holds which role in which office, and how to reach them. `id` is the
 * person's identity in Mohla (the subject of their token, the assignee of their tasks).
 */
export const StaffMember = defineEntity({
  name: 'StaffMember',
  tableName: 'staff_member',
  properties: {
    id: p.string().length(128).primary(),
    officeId: p.string().length(64),
    role: p.string().length(64),
    name: p.string().length(200),
    email: p.string().length(254).nullable(),
    phone: p.string().length(32).nullable(),
    language: p.string().length(2),
    updatedAt: p.datetime(),
  },
  indexes: [{ properties: ['officeId', 'role'] }],
});
export type StaffMemberRecord = Row<typeof StaffMember>;

/**
 * One message of a notification to one person over one channel: what was said, to which address, and
 * whether it left. The record of proof that a citizen was told, and what keeps a retry from sending
 * twice. A recipient nobody could be found for is kept too, as a failed delivery on channel `none`.
 */
export const NotificationDelivery = defineEntity({
  name: 'NotificationDelivery',
  tableName: 'notification_delivery',
  properties: {
    notificationKey: p.string().length(200).primary(),
    channel: p.string().length(16).primary(),
    /** `citizen`, or a staff member's id; for a gap, the role or `assignee` that nobody holds. */
    recipient: p.string().length(128).primary(),
    address: p.string().length(254).nullable(),
    language: p.string().length(2),
    subject: p.text(),
    body: p.text(),
    /** pending → sending → sent; or failed (retries exhausted, refused, or interrupted mid-send). */
    status: p.string().length(16),
    attempts: p.integer().default(0),
    error: p.text().nullable(),
    provider: p.string().length(32).nullable(),
    providerMessageId: p.string().length(200).nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
    sentAt: p.datetime().nullable(),
  },
});
export type NotificationDeliveryRecord = Row<typeof NotificationDelivery>;

/**
 * The tamper-evident audit log: every human action and deadline event, in one hash chain. Each row's
 * hash covers the previous row's hash and a canonical form of the row; the database refuses updates and
 * deletes (a trigger), and `mohla audit verify` names the first row that was altered or removed anyway.
 */
const AuditEntry = defineEntity({
  name: 'AuditEntry',
  tableName: 'audit_entry',
  properties: {
    seq: p.type('bigint').$type<number>().primary().autoincrement(false),
    trackingNumber: p.string().length(16),
    entrySeq: p.integer(),
    at: p.datetime(),
    kind: p.string().length(32),
    actor: p.string().length(128).nullable(),
    detail: p.json<Record<string, unknown>>(),
    prevHash: p.string().length(64),
    hash: p.string().length(64),
  },
  uniques: [{ properties: ['trackingNumber', 'entrySeq'] }],
});

/**
 * The register of issued documents: one row per certificate, attestation or refusal letter that left
 * Mohla, keyed by its verification code. Rows are kept after retention erases the bytes (`storageKey`
 * null), so that a document can still be verified by its code and hash. `issueKey` makes issuing
 * idempotent: one decision (or one re-issue) gives one row and one code, however often it is retried.
 */
const IssuedDocumentEntry = defineEntity({
  name: 'IssuedDocumentEntry',
  tableName: 'issued_document',
  properties: {
    code: p.text().primary(),
    trackingNumber: p.text().index(),
    officeId: p.text(),
    procedureId: p.text(),
    /** The template: certificate, attestation or refusal-letter. */
    kind: p.text(),
    /** The definition's document key, e.g. residence-certificate. */
    documentName: p.text(),
    issueKey: p.text().unique(),
    sha256: p.text(),
    storageKey: p.text().nullable(),
    signature: p.text(),
    keyId: p.text(),
    languages: p.array().columnType('text[]'),
    delivery: p.text(),
    issuedAt: p.datetime(),
    issuedBy: p.text().nullable(),
    // Self-references, so the database refuses a pointer to a document that was never issued. Typed as
    // a plain schema: the entity's own type cannot be inferred from a property that names it. The update
    // rule is the one the table was created with (MikroORM 6's default, no longer MikroORM 7's).
    supersedes: () => p.manyToOne(IssuedDocumentEntry as EntitySchema<object>).fieldName('supersedes').nullable().updateRule('cascade'),
    supersededBy: () => p.manyToOne(IssuedDocumentEntry as EntitySchema<object>).fieldName('superseded_by').nullable().updateRule('cascade'),
    revokedAt: p.datetime().nullable(),
    revokedBy: p.text().nullable(),
    revokedReason: p.text().nullable(),
    collectedAt: p.datetime().nullable(),
    collectedBy: p.text().nullable(),
    postedAt: p.datetime().nullable(),
    postalReference: p.text().nullable(),
  },
});

/**
 * A migration plan (engine/migration/plan.ts): how a procedure's running applications move from one
 * version to a later one that corrects it. Kept as written, so that every move names the plan it followed.
 */
const MigrationPlanEntry = defineEntity({
  name: 'MigrationPlanEntry',
  tableName: 'migration_plan',
  properties: {
    id: p.text().primary(),
    procedureId: p.text(),
    fromVersion: p.integer(),
    toVersion: p.integer(),
    plan: p.json<Record<string, unknown>>(),
    createdBy: p.text(),
    createdAt: p.datetime(),
  },
  indexes: [{ properties: ['procedureId', 'fromVersion'] }],
});

/**
 * What applying a plan did to one application: `moved`, or `refused` with the reasons (it stays on its
 * version). One row per plan and application, rewritten by a later batch that moves one refused before.
 */
const ApplicationMigration = defineEntity({
  name: 'ApplicationMigration',
  tableName: 'application_migration',
  properties: {
    planId: p.text().primary(),
    trackingNumber: p.text().primary(),
    result: p.text(),
    reasons: p.json<string[]>(),
    actor: p.text(),
    at: p.datetime(),
  },
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
  Incident,
  StaffMember,
  NotificationDelivery,
  AuditEntry,
  IssuedDocumentEntry,
  MigrationPlanEntry,
  ApplicationMigration,
];

const naming = new UnderscoreNamingStrategy();

/**
 * A table's columns for the statements written by hand, as column name → property, in the entity's
 * order and named as MikroORM names them (db/entities.test.ts holds the two equal); `except` leaves
 * out the columns a statement must not touch.
 */
export function columnsOf<Entity, Property extends keyof Row<EntitySchema<Entity>> & string>(
  entity: EntitySchema<Entity>,
  except: readonly Property[] = [],
): Record<string, Exclude<keyof Row<EntitySchema<Entity>> & string, Property>> {
  const properties = Object.entries(entity.meta.properties) as Array<[Property, EntityProperty<Entity>]>;
  return Object.fromEntries(
    properties
      .filter(([name]) => !except.includes(name))
      .map(([name, property]) => [property.fieldNames?.[0] ?? naming.propertyToColumnName(name), name]),
  ) as Record<string, Exclude<keyof Row<EntitySchema<Entity>> & string, Property>>;
}
