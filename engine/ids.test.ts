import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clockDeadlineId,
  complementDeadlineId,
  complementNotification,
  DECISION_NOTIFICATION,
  deliveryJobId,
  dispatchJobId,
  documentStorageKey,
  escalationDeadlineId,
  expiryNotification,
  expiryTimerId,
  extensionNotification,
  FILED_NOTIFICATION,
  FILING_UPDATE_ID,
  LEGAL_DEADLINE,
  notificationKey,
  parseDeadlineId,
  parseDocumentStorageKey,
  parseJobId,
  parseNotificationKey,
  documentNotification,
  parseTaskId,
  parseTimerId,
  parseTokenId,
  parseUpdateId,
  serviceLevelDeadlineId,
  stepNotification,
  taskId,
  tokenId,
  updateId,
  waitDeadlineId,
  windowDeadlineId,
  windowNotification,
  rearmedWarningNotification,
  warningNotification,
  warningTimerId,
} from './ids.js';
import { trackingNumberFromBytes } from './tracking-number.js';

const trackingNumber = fc.uint8Array({ minLength: 8, maxLength: 8 }).map(trackingNumberFromBytes);
const stepId = fc.stringMatching(/^[a-z][a-zA-Z0-9_-]{0,20}$/);
const n = fc.nat({ max: 10_000 });
const task = fc.record({ trackingNumber, stepId, sequence: fc.integer({ min: 1, max: 10_000 }) });
const token = fc.integer({ min: 1, max: 500 }).map(tokenId);
/** A clock's id, as the schema lets a definition name it (`clocks.<id>`). */
const clockId = fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,20}$/);
/** Every kind of deadline id, escalations of escalations included. */
const deadlineId = fc.letrec<{ id: string }>((tie) => ({
  id: fc.oneof(
    { depthSize: 'small' },
    fc.constant(LEGAL_DEADLINE),
    task.map((t) => serviceLevelDeadlineId(taskId(t.trackingNumber, t.stepId, t.sequence))),
    fc.tuple(token, n).map(([t, visit]) => waitDeadlineId(t, visit)),
    fc.tuple(token, n).map(([t, visit]) => windowDeadlineId(t, visit)),
    n.map(complementDeadlineId),
    clockId.map(clockDeadlineId),
    tie('id').map(escalationDeadlineId),
  ),
})).id;
const staffId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._@+-]{0,30}$/);
const CHANNELS = ['sms', 'email'];

describe('ids keep the formats stored in histories, PostgreSQL and Redis', () => {
  it('are built exactly as before the pass', () => {
    const task = taskId('CAQG-NRTF-A', 'review', 1);
    expect(task).toBe('CAQG-NRTF-A.review.1');
    expect(tokenId(3)).toBe('t3');
    expect(serviceLevelDeadlineId(task)).toBe('sla:CAQG-NRTF-A.review.1');
    expect(waitDeadlineId('t2', 1)).toBe('wait:t2:1');
    expect(complementDeadlineId(1)).toBe('complement:1');
    expect(windowDeadlineId('t2', 1)).toBe('window:t2:1');
    expect(windowNotification('complaintWindow', 2)).toBe('window:complaintWindow:2');
    expect(escalationDeadlineId('sla:CAQG-NRTF-A.review.1')).toBe('escalation:sla:CAQG-NRTF-A.review.1');
    expect(clockDeadlineId('summons')).toBe('clock:summons');
    expect(escalationDeadlineId(clockDeadlineId('summons'))).toBe('escalation:clock:summons');
    expect(warningTimerId(clockDeadlineId('summons'), 1)).toBe('clock:summons|rung|1');
    expect(warningNotification(clockDeadlineId('summons'), 0)).toBe('warned:clock:summons:0');
    expect(warningTimerId(LEGAL_DEADLINE, 0)).toBe('legal|rung|0');
    expect(expiryTimerId('sla:CAQG-NRTF-A.review.1')).toBe('sla:CAQG-NRTF-A.review.1|expiry');
    expect(notificationKey('CAQG-NRTF-A', FILED_NOTIFICATION)).toBe('CAQG-NRTF-A:filed');
    expect(notificationKey('CAQG-NRTF-A', DECISION_NOTIFICATION)).toBe('CAQG-NRTF-A:decision');
    expect(stepNotification('inform', 2)).toBe('notify:inform:2');
    expect(complementNotification(1)).toBe('complement:1');
    expect(warningNotification('legal', 1)).toBe('warned:legal:1');
    expect(rearmedWarningNotification('legal', 1, 2)).toBe('rewarned:2:legal:1');
    expect(expiryNotification('sla:CAQG-NRTF-A.review.1')).toBe('expired:sla:CAQG-NRTF-A.review.1');
    expect(extensionNotification(2)).toBe('extended:2');
    expect(dispatchJobId('CAQG-NRTF-A:warned:legal:1')).toBe('CAQG-NRTF-A~warned~legal~1');
    expect(deliveryJobId({ channel: 'sms', key: 'CAQG-NRTF-A:filed', recipient: 'citizen' })).toBe('sms~CAQG-NRTF-A~filed~citizen');
    // As recorded in test/fixtures/histories.
    expect(FILING_UPDATE_ID).toBe('confirm-filing');
    expect(updateId('complete', 'CAQG-NRTF-A.review.1', 'efb9e89329b0378a')).toBe('complete:CAQG-NRTF-A.review.1:efb9e89329b0378a');
    expect(documentStorageKey({ trackingNumber: 'CAQG-NRTF-A', documentId: 'cin-copy', sha256: 'a'.repeat(64), extension: 'jpg' })).toBe(
      `CAQG-NRTF-A/cin-copy-${'a'.repeat(64)}.jpg`,
    );
  });

  it('read back what they build', () => {
    fc.assert(
      fc.property(task, token, (t, tok) => {
        expect(parseTaskId(taskId(t.trackingNumber, t.stepId, t.sequence))).toEqual(t);
        expect(tokenId(parseTokenId(tok)!)).toBe(tok);
      }),
    );
    fc.assert(
      fc.property(deadlineId, n, (id, rung) => {
        const key = parseDeadlineId(id)!;
        const rebuilt =
          key.kind === 'legal'
            ? LEGAL_DEADLINE
            : key.kind === 'serviceLevel'
              ? serviceLevelDeadlineId(key.taskId)
              : key.kind === 'wait'
                ? waitDeadlineId(key.tokenId, key.visit)
                : key.kind === 'citizenWindow'
                  ? windowDeadlineId(key.tokenId, key.visit)
                  : key.kind === 'complementAnswer'
                    ? complementDeadlineId(key.request)
                    : key.kind === 'clock'
                      ? clockDeadlineId(key.clockId)
                      : escalationDeadlineId(key.escalatedDeadlineId);
        expect(rebuilt).toBe(id);
        expect(parseTimerId(warningTimerId(id, rung))).toEqual({ deadlineId: id, what: 'warning', rung });
        expect(parseTimerId(expiryTimerId(id))).toEqual({ deadlineId: id, what: 'expiry' });
      }),
    );
  });

  it('read back notification keys, and the job ids they become', () => {
    const event = fc.oneof(
      fc.constant({ text: FILED_NOTIFICATION, event: { kind: 'filed' } }),
      fc.constant({ text: DECISION_NOTIFICATION, event: { kind: 'decision' } }),
      fc.tuple(stepId, n).map(([s, visit]) => ({ text: stepNotification(s, visit), event: { kind: 'step', stepId: s, visit } })),
      n.map((request) => ({ text: complementNotification(request), event: { kind: 'complement', request } })),
      fc.tuple(deadlineId, n).map(([d, rung]) => ({ text: warningNotification(d, rung), event: { kind: 'warning', deadlineId: d, rung } })),
      fc.tuple(deadlineId, n, n).map(([d, rung, extension]) => ({ text: rearmedWarningNotification(d, rung, extension), event: { kind: 'rearmedWarning', deadlineId: d, rung, extension } })),
      deadlineId.map((d) => ({ text: expiryNotification(d), event: { kind: 'expiry', deadlineId: d } })),
      n.map((extension) => ({ text: extensionNotification(extension), event: { kind: 'extension', extension } })),
      fc.tuple(stepId, n).map(([s, visit]) => ({ text: windowNotification(s, visit), event: { kind: 'window', stepId: s, visit } })),
      fc.tuple(fc.constant('K7QM3XHD9RTBWC4P'), fc.constantFrom('ready' as const, 'posted' as const)).map(([code, e]) => ({ text: documentNotification(code, e), event: { kind: 'document', code, event: e } })),
    );
    fc.assert(
      fc.property(trackingNumber, event, fc.constantFrom(...CHANNELS), fc.oneof(fc.constant('citizen'), staffId), (tn, e, channel, recipient) => {
        const key = notificationKey(tn, e.text);
        expect(parseNotificationKey(key)).toEqual({ trackingNumber: tn, event: e.event });
        expect(parseJobId(dispatchJobId(key), CHANNELS)).toEqual({ stage: 'dispatch', key });
        expect(parseJobId(deliveryJobId({ channel, key, recipient }), CHANNELS)).toEqual({ stage: 'delivery', channel, key, recipient });
      }),
    );
  });

  it('read back update ids and storage keys', () => {
    fc.assert(
      fc.property(fc.constantFrom('claim', 'complete', 'withdraw'), fc.oneof(trackingNumber, task.map((t) => taskId(t.trackingNumber, t.stepId, t.sequence))), fc.stringMatching(/^[0-9a-f]{16}$/), (action, subject, digest) => {
        expect(parseUpdateId(updateId(action, subject, digest))).toEqual({ action, subject, digest });
      }),
    );
    fc.assert(
      fc.property(trackingNumber, stepId, fc.stringMatching(/^[0-9a-f]{64}$/), fc.constantFrom('pdf', 'jpg', 'png'), (tn, documentId, sha256, extension) => {
        const key = { trackingNumber: tn, documentId, sha256, extension };
        expect(parseDocumentStorageKey(documentStorageKey(key))).toEqual(key);
      }),
    );
  });

  it('answer undefined for text of another kind', () => {
    expect(parseTaskId('CAQG-NRTF-A')).toBeUndefined();
    expect(parseTaskId('CAQG-NRTF-A.review.x')).toBeUndefined();
    expect(parseDeadlineId('nonsense')).toBeUndefined();
    expect(parseDeadlineId('clock:')).toBeUndefined();
    expect(parseDeadlineId('clock:summons:1')).toBeUndefined();
    expect(parseDeadlineId('clock:summons')).toEqual({ kind: 'clock', clockId: 'summons' });
    expect(parseTimerId('legal|rung|x')).toBeUndefined();
    expect(parseTimerId('legal|later')).toBeUndefined();
    expect(parseNotificationKey('CAQG-NRTF-A:unknown')).toBeUndefined();
    expect(parseJobId('no-separator', CHANNELS)).toBeUndefined();
    expect(parseUpdateId('confirm-filing')).toBeUndefined();
    expect(parseTokenId('x3')).toBeUndefined();
    expect(parseDocumentStorageKey('a/b.pdf')).toBeUndefined();
  });
});
