/**
 * Messages about an issued document that happen outside the workflow: the document was sent by post
 * (an agent records the postal reference). Written to the outbox under a key of the document's own, so
 * that recording the same event twice tells the citizen once; handed to the queue when it can be, and
 * otherwise left to the relay, as the projection does.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { markNotificationsQueued } from '../db/projection.js';
import { query } from '../db/sql.js';
import { documentNotification, notificationKey } from '../engine/ids.js';
import type { NotificationQueues } from './queues.js';

export interface DocumentPosted {
  trackingNumber: string;
  /** The issued document's verification code. */
  code: string;
  /** The definition's document key. */
  document: string;
  /** The postal service's reference for the item, which the message gives the citizen to follow it. */
  postalReference: string;
}

/** Tells the citizen their document was posted, with its postal reference; once per document. */
export async function notifyDocumentPosted(deps: { orm: MikroORM; queues?: NotificationQueues }, posted: DocumentPosted, now = new Date()): Promise<void> {
  const key = notificationKey(posted.trackingNumber, documentNotification(posted.code, 'posted'));
  const inserted = await query(
    deps.orm,
    `insert into notification (key, tracking_number, template, recipients, context, status, created_at)
     values ($1, $2, 'documentPosted', '["citizen"]'::jsonb, $3::jsonb, 'pending', $4)
     on conflict (key) do nothing returning key`,
    [key, posted.trackingNumber, JSON.stringify({ document: posted.document, code: posted.code, postalReference: posted.postalReference }), now],
  );
  if (!inserted.length || !deps.queues) return;
  try {
    await deps.queues.enqueue([key]);
  } catch {
    // Safe in the outbox: the notification worker's relay queues it when Redis is back.
    return;
  }
  await markNotificationsQueued(deps.orm, [key], new Date());
}
