/**
 * Every id Mohla composes out of other ids, built and read here and nowhere else. The formats are kept
 * for good: Temporal's histories hold deadline keys, timer ids, token ids and update ids; PostgreSQL
 * holds task ids, notification keys and storage keys; Redis holds job ids. A new kind of id gets a new
 * format; an existing one never changes. Each parser answers undefined for text that is not its kind.
 *
 * What the parts may contain is what keeps each format unambiguous: tracking numbers are Crockford
 * base-32 with dashes (engine/tracking-number.ts), step ids are `[a-z][a-zA-Z0-9_-]*`, staff ids
 * never hold ':' or '~' (notifications/staff.ts), none of them holds '.', ':', '|' or '~'.
 */

const natural = (text: string | undefined): number | undefined => (text !== undefined && /^(0|[1-9]\d*)$/.test(text) ? Number(text) : undefined);

/** Splits at the last `separator`: [before, after], or undefined when it is absent. */
function lastSplit(text: string, separator: string): [string, string] | undefined {
  const at = text.lastIndexOf(separator);
  return at < 0 ? undefined : [text.slice(0, at), text.slice(at + separator.length)];
}

/** The text after `prefix`, when it starts with it and has more. */
function after(text: string, prefix: string): string | undefined {
  return text.startsWith(prefix) && text.length > prefix.length ? text.slice(prefix.length) : undefined;
}

// Tokens: a path through the procedure, numbered in the application.

export const tokenId = (sequence: number): string => `t${sequence}`;

export function parseTokenId(id: string): number | undefined {
  return natural(after(id, 't'));
}

// Tasks: `<tracking number>.<step>.<n>`, the n-th task of the application. The tracking number comes
// first so that the workflow a task belongs to (its id is the tracking number) is read off the task id.

export interface TaskKey {
  trackingNumber: string;
  stepId: string;
  sequence: number;
}

export const taskId = (trackingNumber: string, stepId: string, sequence: number): string => `${trackingNumber}.${stepId}.${sequence}`;

export function parseTaskId(id: string): TaskKey | undefined {
  const [trackingNumber, stepId, sequence, ...rest] = id.split('.');
  const n = natural(sequence);
  return trackingNumber && stepId && n !== undefined && !rest.length ? { trackingNumber, stepId, sequence: n } : undefined;
}

// Deadlines, keyed in the application's state by these ids.

/** The application's legal deadline: there is one. */
export const LEGAL_DEADLINE = 'legal';
/** A task's service level. */
export const serviceLevelDeadlineId = (taskId: string): string => `sla:${taskId}`;
/** A wait step, per token and visit of the step. */
export const waitDeadlineId = (tokenId: string, visit: number): string => `wait:${tokenId}:${visit}`;
/** The citizen's time to answer the n-th complement request. */
export const complementDeadlineId = (request: number): string => `complement:${request}`;
/** The time the escalated work has before it is late again. */
export const escalationDeadlineId = (escalatedDeadlineId: string): string => `escalation:${escalatedDeadlineId}`;
/** A citizen window (language 2), per token and visit of the step: the citizen's time to act. */
export const windowDeadlineId = (tokenId: string, visit: number): string => `window:${tokenId}:${visit}`;
/** One of the definition's named clocks (`clocks.<clockId>`): each runs at most once per application. */
export const clockDeadlineId = (clockId: string): string => `clock:${clockId}`;

export type DeadlineKey =
  | { kind: 'legal' }
  | { kind: 'serviceLevel'; taskId: string }
  | { kind: 'wait'; tokenId: string; visit: number }
  | { kind: 'complementAnswer'; request: number }
  | { kind: 'escalation'; escalatedDeadlineId: string }
  | { kind: 'citizenWindow'; tokenId: string; visit: number }
  | { kind: 'clock'; clockId: string };

/** `<token>:<visit>`, the tail of a deadline kept per token and visit of a step. */
function perVisit(tail: string | undefined): { tokenId: string; visit: number } | undefined {
  const [tokenId, visit, ...rest] = (tail ?? '').split(':');
  const n = natural(visit);
  return tokenId && n !== undefined && !rest.length ? { tokenId, visit: n } : undefined;
}

export function parseDeadlineId(id: string): DeadlineKey | undefined {
  if (id === LEGAL_DEADLINE) return { kind: 'legal' };
  const taskId = after(id, 'sla:');
  if (taskId !== undefined) return { kind: 'serviceLevel', taskId };
  const escalated = after(id, 'escalation:');
  if (escalated !== undefined) return { kind: 'escalation', escalatedDeadlineId: escalated };
  const request = natural(after(id, 'complement:'));
  if (request !== undefined) return { kind: 'complementAnswer', request };
  const windowed = perVisit(after(id, 'window:'));
  if (windowed) return { kind: 'citizenWindow', ...windowed };
  const clockId = after(id, 'clock:');
  if (clockId !== undefined) return clockId.includes(':') ? undefined : { kind: 'clock', clockId };
  const waited = perVisit(after(id, 'wait:'));
  return waited ? { kind: 'wait', ...waited } : undefined;
}

// Timers: what the workflow arms for a deadline, named by the deadline and what falls due.

export const warningTimerId = (deadlineId: string, rung: number): string => `${deadlineId}|rung|${rung}`;
export const expiryTimerId = (deadlineId: string): string => `${deadlineId}|expiry`;

export type TimerKey = { deadlineId: string; what: 'warning'; rung: number } | { deadlineId: string; what: 'expiry' };

export function parseTimerId(id: string): TimerKey | undefined {
  const [deadlineId, what, rung, ...rest] = id.split('|');
  if (!deadlineId || rest.length) return undefined;
  if (what === 'expiry' && rung === undefined) return { deadlineId, what: 'expiry' };
  const n = natural(rung);
  return what === 'rung' && n !== undefined ? { deadlineId, what: 'warning', rung: n } : undefined;
}

// Notifications: the outbox's business key `<tracking number>:<event>`, so that a retried transition
// finds its message there and sends nothing twice.

export const FILED_NOTIFICATION = 'filed';
export const DECISION_NOTIFICATION = 'decision';
export const stepNotification = (stepId: string, visit: number): string => `notify:${stepId}:${visit}`;
export const complementNotification = (request: number): string => `complement:${request}`;
export const warningNotification = (deadlineId: string, rung: number): string => `warned:${deadlineId}:${rung}`;
/** A rung that fires again once the n-th extension moved its deadline (language 2). */
export const rearmedWarningNotification = (deadlineId: string, rung: number, extension: number): string => `rewarned:${extension}:${deadlineId}:${rung}`;
export const expiryNotification = (deadlineId: string): string => `expired:${deadlineId}`;
export const extensionNotification = (extension: number): string => `extended:${extension}`;
/** A citizen window opened, per step and visit (language 2). */
export const windowNotification = (stepId: string, visit: number): string => `window:${stepId}:${visit}`;

/** An issued document's own events: ready for collection, sent by post (the code is unique to the document). */
export const documentNotification = (code: string, event: 'ready' | 'posted'): string => `document:${code}:${event}`;
export const notificationKey = (trackingNumber: string, event: string): string => `${trackingNumber}:${event}`;

export type NotificationEvent =
  | { kind: 'filed' }
  | { kind: 'decision' }
  | { kind: 'step'; stepId: string; visit: number }
  | { kind: 'complement'; request: number }
  | { kind: 'warning'; deadlineId: string; rung: number }
  | { kind: 'rearmedWarning'; deadlineId: string; rung: number; extension: number }
  | { kind: 'expiry'; deadlineId: string }
  | { kind: 'extension'; extension: number }
  | { kind: 'window'; stepId: string; visit: number }
  | { kind: 'document'; code: string; event: 'ready' | 'posted' };

function parseNotificationEvent(event: string): NotificationEvent | undefined {
  if (event === FILED_NOTIFICATION) return { kind: 'filed' };
  if (event === DECISION_NOTIFICATION) return { kind: 'decision' };
  const [stepId, visit, ...rest] = (after(event, 'notify:') ?? '').split(':');
  if (stepId && natural(visit) !== undefined && !rest.length) return { kind: 'step', stepId, visit: natural(visit)! };
  const request = natural(after(event, 'complement:'));
  if (request !== undefined) return { kind: 'complement', request };
  const warned = lastSplit(after(event, 'warned:') ?? '', ':');
  if (warned?.[0] && natural(warned[1]) !== undefined) return { kind: 'warning', deadlineId: warned[0], rung: natural(warned[1])! };
  const [extension, ...again] = (after(event, 'rewarned:') ?? '').split(':');
  const rewarned = lastSplit(again.join(':'), ':');
  if (natural(extension) !== undefined && rewarned?.[0] && natural(rewarned[1]) !== undefined) {
    return { kind: 'rearmedWarning', deadlineId: rewarned[0], rung: natural(rewarned[1])!, extension: natural(extension)! };
  }
  const expired = after(event, 'expired:');
  if (expired !== undefined) return { kind: 'expiry', deadlineId: expired };
  const window = perVisit(after(event, 'window:'));
  if (window) return { kind: 'window', stepId: window.tokenId, visit: window.visit };
  const [code, happened, ...more] = (after(event, 'document:') ?? '').split(':');
  if (code && (happened === 'ready' || happened === 'posted') && !more.length) return { kind: 'document', code, event: happened };
  const extended = natural(after(event, 'extended:'));
  return extended !== undefined ? { kind: 'extension', extension: extended } : undefined;
}

export function parseNotificationKey(key: string): { trackingNumber: string; event: NotificationEvent } | undefined {
  const at = key.indexOf(':');
  const event = at > 0 ? parseNotificationEvent(key.slice(at + 1)) : undefined;
  return event ? { trackingNumber: key.slice(0, at), event } : undefined;
}

// Queue jobs: deterministic ids, so that adding a job already there does nothing. BullMQ refuses ':'
// in custom ids and business keys never hold '~', so a key maps one-to-one onto a job id.

export const dispatchJobId = (key: string): string => key.replaceAll(':', '~');
export const deliveryJobId = (job: { channel: string; key: string; recipient: string }): string => `${job.channel}~${dispatchJobId(job.key)}~${job.recipient}`;

export type JobKey = { stage: 'dispatch'; key: string } | { stage: 'delivery'; channel: string; key: string; recipient: string };

/** A job id read back; `channels` tell a delivery's first part from a dispatch's tracking number. */
export function parseJobId(id: string, channels: readonly string[]): JobKey | undefined {
  const key = (jobKey: string) => jobKey.replaceAll('~', ':');
  const first = id.indexOf('~');
  if (first < 0) return undefined;
  const channel = id.slice(0, first);
  if (!channels.includes(channel)) return { stage: 'dispatch', key: key(id) };
  const rest = lastSplit(id.slice(first + 1), '~');
  return rest?.[0] && rest[1] ? { stage: 'delivery', channel, key: key(rest[0]), recipient: rest[1] } : undefined;
}

// Workflow updates: an update id is a business key, so that the same request retried is answered once.

/** The update a filing sends with the start of its workflow. */
export const FILING_UPDATE_ID = 'confirm-filing';

/** A human action on an application or one of its tasks; `digest` stands for the request (api/workflow-actions.ts). */
export const updateId = (action: string, subject: string, digest: string): string => `${action}:${subject}:${digest}`;

export function parseUpdateId(id: string): { action: string; subject: string; digest: string } | undefined {
  const [action, subject, digest, ...rest] = id.split(':');
  return action && subject && digest && !rest.length ? { action, subject, digest } : undefined;
}

// Documents: where a handed-in file's bytes are kept, named by its content so that the same bytes
// handed in again land on the same file.

export interface StoredDocumentKey {
  trackingNumber: string;
  documentId: string;
  sha256: string;
  extension: string;
}

export const documentStorageKey = (key: StoredDocumentKey): string => `${key.trackingNumber}/${key.documentId}-${key.sha256}.${key.extension}`;

export function parseDocumentStorageKey(storageKey: string): StoredDocumentKey | undefined {
  const match = /^([^/]+)\/(.+)-([0-9a-f]{64})\.([a-z0-9]+)$/.exec(storageKey);
  return match ? { trackingNumber: match[1]!, documentId: match[2]!, sha256: match[3]!, extension: match[4]! } : undefined;
}
