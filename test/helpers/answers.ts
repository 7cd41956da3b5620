/**
 * Whole answers, as tests compare them: every field of an answer, the values a test pins as given and
 * the others matched by kind (a generated id, an instant). Response schemas drop undeclared fields
 * without a word, so a test that checks an answer compares all of it: a field gone missing fails it.
 */
import { expect } from 'vitest';
import type { ApplicationView, ClockView, InboxTaskView, Receipt, ReceiptDocument, TaskView, TimeLeftView } from '../../api/answers.js';
import type { Problem } from '../../api/problem.js';

type Pinned<T> = { [K in keyof T]?: unknown };

export const anInstant = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
const aDate = expect.stringMatching(/^\d{4}-\d\d-\d\d$/);
const orNull = (matcher: unknown) => expect.toBeOneOf([null, matcher]);

/** An array each of whose items equals `item` (matchers allowed). */
export function eachItem(item: unknown) {
  return expect.toSatisfy(
    (values: unknown) =>
      Array.isArray(values) &&
      values.every((value) => {
        try {
          expect(value).toEqual(item);
          return true;
        } catch {
          return false;
        }
      }),
    `an array of ${JSON.stringify(item)}`,
  );
}

const texts = eachItem(expect.any(String));

/** A document the application issued, as its page and the kiosk list it. */
export function issuedDocumentAnswer(pinned: Record<string, unknown> = {}) {
  return {
    code: expect.stringMatching(/^[2-9A-HJKMNP-TV-Y]{16}$/),
    kind: expect.toBeOneOf(['certificate', 'attestation', 'refusal-letter']),
    document: expect.any(String),
    issuedAt: anInstant,
    status: expect.toBeOneOf(['valid', 'superseded', 'revoked']),
    delivery: expect.toBeOneOf(['download', 'collection', 'post']),
    ...pinned,
  };
}

const aLocalizedText = { ar: expect.any(String), fr: expect.any(String), en: expect.any(String) };

export function problemAnswer(pinned: Pinned<Problem> = {}) {
  return { type: expect.any(String), title: expect.any(String), status: expect.any(Number), detail: expect.any(String), code: expect.any(String), instance: expect.any(String), ...pinned };
}

/** A field's detail in a problem: the pointer, and a message. */
export function fieldError(pointer: unknown, message: unknown = expect.any(String)) {
  return { pointer, message };
}

export function taskAnswer(pinned: Pinned<TaskView> = {}) {
  return {
    id: expect.any(String),
    stepId: expect.any(String),
    role: expect.any(String),
    officeId: expect.any(String),
    status: expect.any(String),
    assignee: orNull(expect.any(String)),
    outcome: orNull(expect.any(String)),
    escalated: expect.any(Boolean),
    createdAt: anInstant,
    completedAt: orNull(anInstant),
    visit: orNull(expect.any(Number)),
    ...pinned,
  };
}

/** Each entry of a deadline's ledger says what happened and when. */
const ledger = expect.toSatisfy(
  (entries: unknown) => Array.isArray(entries) && entries.every((e: { type?: unknown; at?: unknown }) => typeof e.type === 'string' && typeof e.at === 'string'),
  'a ledger',
);

/** The legal deadline as an application answer gives it. */
export function deadlineAnswer(pinned: Pinned<NonNullable<ApplicationView['deadline']>> = {}) {
  return { dueAt: expect.any(String), dueDate: aDate, paused: expect.any(Boolean), expired: expect.any(Boolean), explanation: texts, ledger, ...pinned };
}

const aLabel = { ar: expect.any(String), fr: expect.any(String), en: expect.any(String) };
const clockStatus = expect.toBeOneOf(['waitingForDate', 'running', 'met', 'metLate', 'expired', 'stopped']);

/** A named clock of the application. */
export function clockAnswer(pinned: Pinned<ClockView> = {}) {
  return {
    id: expect.any(String),
    label: aLabel,
    status: clockStatus,
    dueAt: orNull(expect.any(String)),
    dueDate: orNull(aDate),
    msLeft: orNull(expect.any(Number)),
    explanation: texts,
    ledger,
    ...pinned,
  };
}

export function applicationAnswer(pinned: Pinned<ApplicationView> = {}) {
  return {
    trackingNumber: expect.any(String),
    procedure: { id: expect.any(String), version: expect.any(Number) },
    officeId: expect.any(String),
    citizen: expect.any(String),
    filedBy: expect.any(String),
    status: expect.any(String),
    outcome: orNull(expect.any(String)),
    document: orNull(expect.any(String)),
    grantedBySilence: expect.any(Boolean),
    motivation: orNull(expect.any(String)),
    forwardedTo: orNull(aLocalizedText),
    filedAt: anInstant,
    closedAt: orNull(anInstant),
    deadline: orNull(deadlineAnswer()),
    clocks: eachItem(clockAnswer()),
    tasks: eachItem(taskAnswer()),
    issuedDocuments: eachItem(issuedDocumentAnswer()),
    ...pinned,
  };
}

export function receiptDocumentAnswer(pinned: Pinned<ReceiptDocument> = {}) {
  return {
    documentId: expect.any(String),
    label: orNull({ ar: expect.any(String), fr: expect.any(String), en: expect.any(String) }),
    fileName: expect.any(String),
    sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    uploadedAt: anInstant,
    ...pinned,
  };
}

export function receiptAnswer(pinned: Pinned<Receipt> = {}) {
  return {
    trackingNumber: expect.any(String),
    pin: expect.stringMatching(/^\d{6}$/),
    procedure: { id: expect.any(String), version: expect.any(Number), title: { ar: expect.any(String), fr: expect.any(String), en: expect.any(String) } },
    officeId: expect.any(String),
    filedAt: anInstant,
    filedBy: expect.any(String),
    documents: eachItem(receiptDocumentAnswer()),
    legalDeadline: orNull({ dueAt: expect.any(String), dueDate: aDate, explanation: texts }),
    status: expect.any(String),
    ...pinned,
  };
}

/** A filing's answer: the application and its receipt. */
export function filedAnswer(pinned: Pinned<ApplicationView & { receipt: Receipt }> = {}) {
  return { ...applicationAnswer(), receipt: receiptAnswer(), ...pinned };
}

export function timeLeftAnswer(pinned: Pinned<TimeLeftView> = {}) {
  return { dueAt: anInstant, msLeft: expect.any(Number), overdue: expect.any(Boolean), atRisk: expect.any(Boolean), daysLeft: expect.any(Number), ...pinned };
}

export function inboxTaskAnswer(pinned: Pinned<InboxTaskView> = {}) {
  return {
    ...taskAnswer(),
    trackingNumber: expect.any(String),
    procedureId: expect.any(String),
    legalDeadline: orNull({ ...timeLeftAnswer(), paused: expect.any(Boolean) }),
    serviceLevel: orNull(timeLeftAnswer()),
    clock: orNull({ id: expect.any(String), label: aLabel, status: clockStatus, ...timeLeftAnswer() }),
    ...pinned,
  };
}

/** What a kiosk shows of an application. */
export function trackAnswer(pinned: Record<string, unknown> = {}) {
  return {
    trackingNumber: expect.any(String),
    procedure: { id: expect.any(String), version: expect.any(Number) },
    status: expect.any(String),
    outcome: orNull(expect.any(String)),
    document: orNull(expect.any(String)),
    grantedBySilence: expect.any(Boolean),
    forwardedTo: orNull(aLocalizedText),
    filedAt: anInstant,
    closedAt: orNull(anInstant),
    deadline: orNull({ dueAt: expect.any(String), paused: expect.any(Boolean), explanation: texts }),
    clocks: eachItem({ label: aLabel, status: clockStatus, dueAt: orNull(expect.any(String)), dueDate: orNull(aDate), explanation: texts }),
    citizenWindow: orNull({ action: aLocalizedText, dueAt: expect.any(String), dueDate: aDate }),
    issuedDocuments: eachItem(issuedDocumentAnswer()),
    steps: eachItem({ stepId: expect.any(String), status: expect.any(String), createdAt: anInstant, completedAt: orNull(anInstant) }),
    ...pinned,
  };
}

/** A document kept: its slot, its hash (its name among the documents), its size and type. */
export function uploadAnswer(pinned: Record<string, unknown> = {}) {
  return { documentId: expect.any(String), sha256: expect.stringMatching(/^[0-9a-f]{64}$/), sizeBytes: expect.any(Number), mediaType: expect.any(String), ...pinned };
}

/** One message of a notification: over which channel, to whom, and where it stands. */
export function deliveryAnswer(pinned: Record<string, unknown> = {}) {
  return {
    channel: expect.any(String),
    recipient: expect.any(String),
    address: orNull(expect.any(String)),
    language: expect.any(String),
    status: expect.any(String),
    attempts: expect.any(Number),
    error: orNull(expect.any(String)),
    sentAt: orNull(anInstant),
    text: expect.any(String),
    ...pinned,
  };
}

/** An application's notification and its deliveries, as GET /notifications lists them. */
export function notificationAnswer(pinned: Record<string, unknown> = {}) {
  return {
    key: expect.any(String),
    template: expect.any(String),
    recipients: eachItem(expect.any(String)),
    status: expect.any(String),
    createdAt: anInstant,
    queuedAt: orNull(anInstant),
    deliveries: eachItem(deliveryAnswer()),
    ...pinned,
  };
}

/** A message that could not be sent, as GET /notifications/failed lists it. */
export function failedNotificationAnswer(pinned: Record<string, unknown> = {}) {
  return {
    id: expect.any(String),
    stage: expect.any(String),
    key: expect.any(String),
    recipient: orNull(expect.any(String)),
    attemptsMade: expect.any(Number),
    reason: expect.any(String),
    failedAt: orNull(anInstant),
    ...pinned,
  };
}

const summaryAnswer = { mean: orNull(expect.any(Number)), median: orNull(expect.any(Number)), p90: orNull(expect.any(Number)) };

/** The figures of a group (all, a procedure, an office) in the statistics. */
export function groupFiguresAnswer(pinned: Record<string, unknown> = {}) {
  return {
    procedureId: orNull(expect.any(String)),
    officeId: orNull(expect.any(String)),
    filed: expect.any(Number),
    decided: expect.any(Number),
    pending: expect.any(Number),
    processingWorkingDays: summaryAnswer,
    decidedWithinDeadline: expect.any(Number),
    shareWithinDeadline: orNull(expect.any(Number)),
    grantedBySilence: expect.any(Number),
    escalations: expect.any(Number),
    pausedWorkingDays: expect.any(Number),
    ...pinned,
  };
}

export function agentFiguresAnswer(pinned: Record<string, unknown> = {}) {
  return { agent: expect.any(String), officeId: expect.any(String), tasksCompleted: expect.any(Number), taskWorkingDays: summaryAnswer, ...pinned };
}

export function statisticsAnswer(pinned: Record<string, unknown> = {}) {
  const watched = eachItem({ trackingNumber: expect.any(String), procedureId: expect.any(String), officeId: expect.any(String), dueAt: anInstant });
  return {
    period: { from: anInstant, to: anInstant },
    total: groupFiguresAnswer(),
    byProcedure: eachItem(groupFiguresAnswer()),
    byOffice: eachItem(groupFiguresAnswer()),
    byAgent: eachItem(agentFiguresAnswer()),
    overdue: watched,
    atRisk: watched,
    ...pinned,
  };
}

/** A procedure in the list of published ones. */
export function procedureSummaryAnswer(pinned: Record<string, unknown> = {}) {
  return { id: expect.any(String), version: expect.any(Number), hash: expect.any(String), title: { ar: expect.any(String), fr: expect.any(String), en: expect.any(String) }, category: expect.any(String), ...pinned };
}

export function legalBasisAnswer(pinned: Record<string, unknown> = {}) {
  return { law: expect.any(String), articles: eachItem(expect.any(String)), note: expect.any(String), confirmed: expect.any(Boolean), ...pinned };
}

export function guideDocumentAnswer(pinned: Record<string, unknown> = {}) {
  return {
    id: expect.any(String),
    label: expect.any(String),
    formats: eachItem(expect.any(String)),
    maxSizeMb: expect.any(Number),
    optional: expect.any(Boolean),
    fetchedByAdministration: expect.any(Boolean),
    ...pinned,
  };
}

export function guideDeadlineAnswer(pinned: Record<string, unknown> = {}) {
  return {
    budget: expect.any(String),
    variants: eachItem({ budget: expect.any(String), label: orNull(expect.any(String)), extension: orNull(expect.any(String)) }),
    startsOn: expect.any(String),
    extension: orNull(expect.any(String)),
    onExpiry: expect.any(String),
    legalBasis: orNull(legalBasisAnswer()),
    ...pinned,
  };
}

/** A procedure's page of the guide, in one language. */
export function guideEntryAnswer(pinned: Record<string, unknown> = {}) {
  return {
    id: expect.any(String),
    version: expect.any(Number),
    language: expect.any(String),
    title: expect.any(String),
    description: expect.any(String),
    eligibility: orNull(expect.any(String)),
    category: expect.any(String),
    categoryLabel: expect.any(String),
    offices: eachItem(expect.any(String)),
    channels: eachItem(expect.any(String)),
    documents: eachItem(guideDocumentAnswer()),
    fees: eachItem({ label: expect.any(String), amountMad: expect.any(Number), note: orNull(expect.any(String)) }),
    steps: eachItem({ id: expect.any(String), kind: expect.any(String), text: expect.any(String) }),
    legalDeadline: guideDeadlineAnswer(),
    legalBasis: legalBasisAnswer(),
    clocks: eachItem({ label: expect.any(String), rule: expect.any(String), legalBasis: legalBasisAnswer() }),
    ...pinned,
  };
}
