/**
 * The retention rule: a closed application's personal data is kept for its procedure's `retentionDays`
 * after closing (five years when the definition says nothing), then erased everywhere Mohla holds it:
 * the form and the free text of the read model, the messages sent, the documents' bytes (handed in and
 * issued), and its
 * Temporal history. What stays is what proves the procedure was followed: the application's status,
 * dates and outcome, each event's kind, time and actor, and the audit log unchanged, whose rows hold
 * only commitments to the erased words (audit/commitment.ts).
 */
import type { Client } from '@temporalio/client';
import type { MikroORM } from '@mikro-orm/postgresql';
import { PERSONAL_DETAIL_FIELDS } from '../audit/commitment.js';
import { documentStorageKeysOf } from '../db/documents.js';
import { forgetIssuedDocumentBytes, issuedDocumentStorageKeysOf } from '../db/issued-documents.js';
import { erasePersonalData, expiredApplications, type ExpiredApplication } from '../db/retention.js';
import type { DocumentStorage } from '../documents/storage.js';
import { historyGone } from '../infra/temporal-errors.js';
import { loggableMessage } from '../infra/log-redaction.js';

export const DEFAULT_RETENTION_DAYS = 1826;

/**
 * Erases one application. Each step can be repeated: Temporal's history and the documents' files go
 * first, then one transaction clears the read model and marks the application erased. A run stopped
 * half-way finds the application again the next time and finishes it.
 */
async function eraseApplication(
  deps: { orm: MikroORM; temporal: Client; namespace: string; storage: DocumentStorage },
  trackingNumber: string,
  now: Date,
): Promise<void> {
  try {
    await deps.temporal.workflowService.deleteWorkflowExecution({ namespace: deps.namespace, workflowExecution: { workflowId: trackingNumber } });
  } catch (err) {
    if (!historyGone(err)) throw err;
  }
  for (const storageKey of await documentStorageKeysOf(deps.orm, trackingNumber)) await deps.storage.remove(storageKey);
  // The documents it issued lose their bytes (they print the holder's name) but keep their row: code,
  // hash, signature and dates, so that a paper copy can still be verified.
  for (const storageKey of await issuedDocumentStorageKeysOf(deps.orm, trackingNumber)) await deps.storage.remove(storageKey);
  await forgetIssuedDocumentBytes(deps.orm, trackingNumber);
  await erasePersonalData(deps.orm, trackingNumber, PERSONAL_DETAIL_FIELDS, now);
}

export interface RetentionReport {
  expired: ExpiredApplication[];
  erased: string[];
  failed: Array<{ trackingNumber: string; message: string }>;
}

/** `mohla retention`: erases every application past its period; with `dryRun`, only lists them. */
export async function applyRetention(
  deps: { orm: MikroORM; temporal: Client; namespace: string; storage: DocumentStorage },
  options: { now?: Date; dryRun?: boolean } = {},
): Promise<RetentionReport> {
  const now = options.now ?? new Date();
  const expired = await expiredApplications(deps.orm, now, DEFAULT_RETENTION_DAYS);
  const report: RetentionReport = { expired, erased: [], failed: [] };
  if (options.dryRun) return report;
  for (const application of expired) {
    try {
      await eraseApplication(deps, application.trackingNumber, now);
      report.erased.push(application.trackingNumber);
    } catch (err) {
      // The next run takes it up again; quoted values (a statement's, a row's) are masked like every log line.
      report.failed.push({ trackingNumber: application.trackingNumber, message: loggableMessage((err as Error).message) });
    }
  }
  return report;
}
