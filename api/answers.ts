/**
 * The shapes of the API's answers, in one module without I/O so that the web front end type-checks
 * against the very types the routes answer with. Each shape is a JSON Schema, the one source of the
 * route's response schema (what the serializer writes and the OpenAPI document shows) and of its
 * TypeScript type, so the two cannot drift.
 *
 * The serializer writes an object's properties in the order its schema lists them and leaves out any
 * property the schema does not list: properties are listed in the order the API builds them.
 */
import type { FromSchema } from 'json-schema-to-ts';
import type { clockViews, legalDeadlineView } from '../engine/interpreter/views.js';
import type { LedgerEntry } from '../engine/deadline/ledger.js';
import { localizedText } from '../registry/localized-text.js';
import type { Same } from './same-type.js';

/** An ISO 8601 instant. */
export const instant = { type: 'string', format: 'date-time' } as const;
export const instantOrNull = { type: ['string', 'null'], format: 'date-time' } as const;
export const textOrNull = { type: ['string', 'null'] } as const;

/**
 * An answer that lists things about one subject, `{ <subject>: string, <list>: Item[] }`: an
 * application's timeline or notifications, the versions of a procedure or a calendar.
 */
export function listAnswer<const Subject extends string, const List extends string, const Item extends object>(subject: Subject, list: List, item: Item) {
  // Computed keys lose their literal types: the cast gives them back, as the object really holds them.
  const properties = { [subject]: { type: 'string' }, [list]: { type: 'array', items: item } } as { readonly [S in Subject]: { readonly type: 'string' } } & {
    readonly [L in List]: { readonly type: 'array'; readonly items: Item };
  };
  return { type: 'object', required: [subject, list], additionalProperties: false, properties } as const;
}

/** A ledger entry of one kind: `type` names it, `at` is when it happened. */
function entry<const Kind extends string, const P extends Record<string, object>, const R extends readonly string[]>(kind: Kind, description: string, properties: P, required: R) {
  return {
    type: 'object',
    description,
    required: ['type', 'at', ...required],
    additionalProperties: false,
    properties: { type: { const: kind }, at: instant, ...properties },
  } as const;
}

/** What happened to a legal deadline, one entry per event (engine/deadline.ts). */
export const ledgerEntrySchema = {
  oneOf: [
    entry('started', 'The clock started.', {}, []),
    entry('paused', 'A complement was requested: the clock stopped.', { reason: { type: 'string' } }, ['reason']),
    entry('resumed', 'The clock runs again.', {}, []),
    entry('restarted', 'The full budget counts again from here (the file is complete).', { reason: { type: 'string' } }, []),
    entry(
      'extended',
      'The budget was extended by units of its own unit.',
      {
        units: { type: 'number' },
        reason: { type: 'string' },
        noticeGivenAt: instant,
        duration: { type: 'string', description: 'For a duration budget (language 2): the exact span added, as an ISO 8601 duration.' },
      },
      ['units', 'reason'],
    ),
    entry('warned', 'A warning rung fired.', { rung: { type: 'integer' } }, ['rung']),
    entry(
      'dated',
      'A clock counts from this date in the data from here on; a later entry means the date changed.',
      { date: { type: 'string' }, previousDate: { type: 'string' } },
      ['date'],
    ),
    entry('met', 'The application entered a step that stops the clock, on time or late.', { step: { type: 'string' }, late: { type: 'boolean' } }, ['step', 'late']),
    entry('expired', 'The deadline passed.', {}, []),
    entry(
      'reprojected',
      'A calendar change moved the due date.',
      {
        calendarId: { type: 'string' },
        calendarVersion: { type: 'integer' },
        previousDueAt: { type: 'string' },
        newDueAt: { type: 'string' },
        movedBy: { type: 'array', items: { type: 'string' }, description: 'Which calendar entry moved which date, in words.' },
      },
      ['calendarId', 'calendarVersion', 'previousDueAt', 'newDueAt', 'movedBy'],
    ),
  ],
} as const;

export type LedgerEntryView = FromSchema<typeof ledgerEntrySchema>;

/** The legal deadline as the projection keeps it: due date, pause, ledger and the explanation. */
export const legalDeadlineSchema = {
  type: 'object',
  description: 'The legal deadline: its due instant and date, whether the clock is stopped or has run out, why it is that date, and its ledger.',
  required: ['dueAt', 'dueDate', 'paused', 'expired', 'explanation', 'ledger'],
  additionalProperties: false,
  properties: {
    dueAt: { type: 'string', description: 'The due instant, with the zone offset of the calendar.' },
    dueDate: { type: 'string', format: 'date' },
    paused: { type: 'boolean' },
    expired: { type: 'boolean' },
    explanation: { type: 'array', items: { type: 'string' }, description: 'Day by day, why the due date is that date (English).' },
    ledger: { type: 'array', items: ledgerEntrySchema },
    met: {
      type: 'object',
      description: 'Present when a step (a window given to the citizen after the answer) stopped the deadline before the application closed: where, when, and whether after the due date.',
      required: ['at', 'step', 'late'],
      additionalProperties: false,
      properties: { at: { type: 'string' }, step: { type: 'string' }, late: { type: 'boolean' } },
    },
    extension: {
      type: 'object',
      description: "How far it may be extended, when the variant chosen at filing has its own extension; otherwise the procedure's deadline says.",
      required: ['maxCount', 'units'],
      additionalProperties: false,
      properties: { maxCount: { type: 'integer' }, units: { type: 'integer' } },
    },
  },
} as const;

export type LegalDeadlineView = FromSchema<typeof legalDeadlineSchema>;

/** Where a named clock stands (engine/interpreter/views.ts). */
const clockStatus = {
  type: 'string',
  enum: ['waitingForDate', 'running', 'met', 'metLate', 'expired', 'stopped'],
  description:
    'waitingForDate: started, but the date it counts from is not known yet; running; met: stopped on time by entering one of its steps; metLate: met after it fell due; expired: fell due and not met; stopped: the application closed first.',
} as const;

/** A named clock of the procedure (language 2): a legal time besides the legal deadline. */
export const clockSchema = {
  type: 'object',
  description: 'A named clock: its label, where it stands, when it falls due and how long is left, why it is that date, and its ledger.',
  required: ['id', 'label', 'status', 'dueAt', 'dueDate', 'msLeft', 'explanation', 'ledger'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', description: 'Its id in the definition (`clocks.<id>`).' },
    label: localizedText,
    status: clockStatus,
    dueAt: { type: ['string', 'null'], description: 'The due instant with the zone offset of the calendar; null while the date it counts from is unknown.' },
    dueDate: { type: ['string', 'null'], format: 'date' },
    msLeft: { type: ['integer', 'null'], description: 'Milliseconds until it falls due, negative once past; null once met or stopped, or while its date is unknown.' },
    explanation: { type: 'array', items: { type: 'string' }, description: 'Day by day, why the due date is that date (English).' },
    ledger: { type: 'array', items: ledgerEntrySchema },
  },
} as const;

export type ClockView = FromSchema<typeof clockSchema>;

/** How the API shows a task, whether it comes from the workflow's state or from the inbox projection. */
export const taskSchema = {
  type: 'object',
  required: ['id', 'stepId', 'role', 'officeId', 'status', 'assignee', 'outcome', 'escalated', 'createdAt', 'completedAt', 'visit'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    stepId: { type: 'string' },
    role: { type: 'string' },
    officeId: { type: 'string' },
    status: { type: 'string', description: 'open, claimed, completed or cancelled.' },
    assignee: textOrNull,
    outcome: textOrNull,
    escalated: { type: 'boolean' },
    createdAt: instant,
    completedAt: instantOrNull,
    visit: { type: ['integer', 'null'], description: 'Which visit of its step created the task: 2 for a second sitting. Null for tasks created before it was kept.' },
  },
} as const;

export type TaskView = FromSchema<typeof taskSchema>;

/** A document the application issued, as its holder and the kiosk see it: what identifies it, never what it says. */
export const issuedDocumentSummarySchema = {
  type: 'object',
  required: ['code', 'kind', 'document', 'issuedAt', 'status', 'delivery'],
  additionalProperties: false,
  properties: {
    code: { type: 'string', description: 'The verification code, in its stored form (16 characters).' },
    kind: { enum: ['certificate', 'attestation', 'refusal-letter'] },
    document: { type: 'string', description: "The definition's name for the document." },
    issuedAt: instant,
    status: { enum: ['valid', 'superseded', 'revoked'], description: 'valid; superseded by a re-issued copy; or revoked.' },
    delivery: { enum: ['download', 'collection', 'post'] },
  },
} as const;

export type IssuedDocumentSummary = FromSchema<typeof issuedDocumentSummarySchema>;

/** How the API shows an application (the form data stays out: it is personal). */
export const applicationSchema = {
  type: 'object',
  required: [
    'trackingNumber',
    'procedure',
    'officeId',
    'citizen',
    'filedBy',
    'status',
    'outcome',
    'document',
    'grantedBySilence',
    'motivation',
    'forwardedTo',
    'filedAt',
    'closedAt',
    'deadline',
    'clocks',
    'tasks',
    'issuedDocuments',
  ],
  additionalProperties: false,
  properties: {
    trackingNumber: { type: 'string' },
    procedure: {
      type: 'object',
      required: ['id', 'version'],
      additionalProperties: false,
      properties: { id: { type: 'string' }, version: { type: 'integer' } },
    },
    officeId: { type: 'string' },
    citizen: { type: 'string', description: 'The citizen the application belongs to; empty for an internal procedure, which has none.' },
    filedBy: { type: 'string', description: 'Who filed it: the citizen, or an agent at a counter.' },
    status: { type: 'string', description: 'open or closed.' },
    outcome: textOrNull,
    document: textOrNull,
    grantedBySilence: { type: 'boolean' },
    motivation: textOrNull,
    forwardedTo: { ...localizedText, type: ['object', 'null'], description: 'The competent body a forwarded application went to (outcome forwarded).' },
    filedAt: instant,
    closedAt: instantOrNull,
    deadline: { ...legalDeadlineSchema, type: ['object', 'null'] },
    clocks: { type: 'array', items: clockSchema, description: 'The named clocks that have started, in that order (none for most procedures).' },
    tasks: { type: 'array', items: taskSchema },
    issuedDocuments: {
      type: 'array',
      items: issuedDocumentSummarySchema,
      description: 'The documents its decision has issued so far, oldest first: none while it is open, and none yet in the answer to the action that decides it (the document follows).',
    },
    citizenTurn: {
      type: 'object',
      description: 'Present while a window is open for the citizen to act (language 2): at which step, since when, and until when.',
      required: ['stepId', 'openedAt', 'dueAt', 'dueDate'],
      additionalProperties: false,
      properties: { stepId: { type: 'string' }, openedAt: instant, dueAt: { type: 'string', description: 'The last instant to act, with the zone offset of the calendar.' }, dueDate: { type: 'string', format: 'date' } },
    },
  },
} as const;

export type ApplicationView = FromSchema<typeof applicationSchema>;

/** Time left on a deadline, as the inbox shows it. */
const timeLeftProperties = {
  dueAt: instant,
  msLeft: { type: 'integer' },
  overdue: { type: 'boolean' },
  atRisk: { type: 'boolean', description: "Due within the next two working days (the dashboard's rule)." },
  daysLeft: { type: 'integer' },
} as const;

export const timeLeftSchema = {
  type: 'object',
  required: ['dueAt', 'msLeft', 'overdue', 'atRisk', 'daysLeft'],
  additionalProperties: false,
  properties: timeLeftProperties,
} as const;

export type TimeLeftView = FromSchema<typeof timeLeftSchema>;

/** A task in the inbox: the task, its application and the time left on its deadlines. */
export const inboxTaskSchema = {
  type: 'object',
  required: [...taskSchema.required, 'trackingNumber', 'procedureId', 'legalDeadline', 'serviceLevel', 'clock'],
  additionalProperties: false,
  properties: {
    ...taskSchema.properties,
    trackingNumber: { type: 'string' },
    procedureId: { type: 'string' },
    legalDeadline: {
      type: ['object', 'null'],
      required: [...timeLeftSchema.required, 'paused'],
      additionalProperties: false,
      properties: { ...timeLeftProperties, paused: { type: 'boolean' } },
    },
    serviceLevel: { ...timeLeftSchema, type: ['object', 'null'] },
    clock: {
      type: ['object', 'null'],
      description: "The application's named clock that falls due first among those running or expired and not met.",
      required: ['id', 'label', 'status', ...timeLeftSchema.required],
      additionalProperties: false,
      properties: { id: { type: 'string' }, label: localizedText, status: clockStatus, ...timeLeftProperties },
    },
  },
} as const;

export type InboxTaskView = FromSchema<typeof inboxTaskSchema>;

/** A document handed in, as the receipt and the document list show it. */
export const receiptDocumentSchema = {
  type: 'object',
  required: ['documentId', 'label', 'fileName', 'sha256', 'uploadedAt'],
  additionalProperties: false,
  properties: {
    documentId: { type: 'string' },
    label: { ...localizedText, type: ['object', 'null'], description: "The document's name in the procedure's guide." },
    fileName: { type: 'string' },
    sha256: { type: 'string' },
    uploadedAt: instant,
  },
} as const;

export type ReceiptDocument = FromSchema<typeof receiptDocumentSchema>;

/** The receipt (récépissé) Law 55.19 requires at filing. */
export const receiptSchema = {
  type: 'object',
  required: ['trackingNumber', 'pin', 'procedure', 'officeId', 'filedAt', 'filedBy', 'documents', 'legalDeadline', 'status'],
  additionalProperties: false,
  properties: {
    trackingNumber: { type: 'string' },
    pin: { type: ['string', 'null'], description: "Opens the kiosk's follow-up with the tracking number; null for an internal procedure, which the kiosk does not show." },
    procedure: {
      type: 'object',
      required: ['id', 'version', 'title'],
      additionalProperties: false,
      properties: { id: { type: 'string' }, version: { type: 'integer' }, title: localizedText },
    },
    officeId: { type: 'string' },
    filedAt: instant,
    filedBy: { type: 'string' },
    documents: { type: 'array', items: receiptDocumentSchema },
    legalDeadline: {
      type: ['object', 'null'],
      required: ['dueAt', 'dueDate', 'explanation'],
      additionalProperties: false,
      properties: { dueAt: { type: 'string' }, dueDate: { type: 'string', format: 'date' }, explanation: { type: 'array', items: { type: 'string' } } },
    },
    status: { type: 'string' },
  },
} as const;

export type Receipt = FromSchema<typeof receiptSchema>;

// The engine makes the deadline view and its ledger; the schemas must say the same, kind by kind.
type Holds<T> = [T] extends [never] ? false : true;
type SameKinds<A extends { type: string }, B extends { type: string }> = false extends {
  [K in A['type'] | B['type']]: Holds<Same<Extract<A, { type: K }>, Extract<B, { type: K }>>>;
}[A['type'] | B['type']]
  ? never
  : true;
const _sameLedger: SameKinds<LedgerEntry, LedgerEntryView> = true;
const _sameDeadline: Same<Omit<NonNullable<ReturnType<typeof legalDeadlineView>>, 'ledger'>, Omit<LegalDeadlineView, 'ledger'>> = true;
const _sameClock: Same<Omit<ReturnType<typeof clockViews>[number], 'ledger'>, Omit<ClockView, 'ledger' | 'msLeft'>> = true;
void _sameLedger;
void _sameDeadline;
void _sameClock;
