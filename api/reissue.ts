/**
 * An agent's re-issue of a lost copy: the same document printed again from the application's record,
 * under a new code, which supersedes the old one. Issued through the same function as a decision's
 * document (documents/issue.ts), with the issue key `${oldCode}:reissue:${n}`, so a retried request finds
 * the copy already made instead of making another.
 */
import { createHmac } from 'node:crypto';
import { decisionDocumentData } from '../documents/decision-data.js';
import { findApplication } from '../db/applications.js';
import { issuedDocumentByCode, issuedDocumentsOf, type IssuedDocument } from '../db/issued-documents.js';
import { timelineOf } from '../db/timeline.js';
import { recordDocumentChange } from '../documents/after-issuance.js';
import { issueDocument } from '../documents/issue.js';
import type { DocumentKeyRing } from '../documents/signatures.js';
import { formatVerificationCode, type VerificationCode } from '../documents/verification-code.js';
import { DomainError } from '../engine/errors.js';
import type { DocumentIssueRequest } from '../engine/interpreter/issued-documents.js';
import type { ApiContext } from './context.js';
import type { ApplicationView } from './answers.js';

const display = (code: string) => formatVerificationCode(code as VerificationCode);

/** Which copy this is, counting the decision's document as the first: the old one's ancestors plus two. */
async function generation(ctx: ApiContext, doc: IssuedDocument): Promise<number> {
  const byCode = new Map((await issuedDocumentsOf(ctx.orm, doc.trackingNumber)).map((d) => [d.code, d]));
  let n = 1;
  for (let at = doc.supersedes; at && n < 1000; at = byCode.get(at)?.supersedes ?? null) n++;
  return n + 1;
}

/**
 * Who asked, digested with the server's secret: stored in the re-issue's timeline entry so that the same
 * request sent again (same person, same Idempotency-Key) is recognised, and nothing else is.
 */
function requestKey(secret: string, actor: string, idempotencyKey: string | undefined): string | null {
  return idempotencyKey ? createHmac('sha256', secret).update(`reissue:${actor}:${idempotencyKey}`).digest('hex').slice(0, 32) : null;
}

/** The request a decision's document was issued from, rebuilt from the application's record and its definition. */
async function issueRequestOf(ctx: ApiContext, view: ApplicationView, doc: IssuedDocument, issueKey: string) {
  const procedure = await ctx.procedures.get(view.procedure.id, view.procedure.version);
  const declaration = procedure?.definition.issuedDocuments?.[doc.documentName];
  const found = await findApplication(ctx.orm, view.trackingNumber);
  if (!procedure || !declaration || !found) {
    throw new DomainError('issued_document_not_current', `Document ${display(doc.code)} cannot be printed again: its procedure version no longer declares it.`);
  }
  if (found.application.erasedAt) {
    throw new DomainError('issued_document_erased', `The personal data of ${view.trackingNumber} was erased under the retention rules: document ${display(doc.code)} cannot be printed again; its code still verifies.`);
  }
  const refusal = Object.values(procedure.definition.steps).find((step) => step.type === 'end' && step.letter === doc.documentName);
  const motivation = refusal?.type === 'end' ? refusal.motivation : undefined;
  const dueDate = (found.application.deadline as { dueDate?: unknown } | null)?.dueDate;
  const request: DocumentIssueRequest = {
    trackingNumber: view.trackingNumber,
    procedureId: view.procedure.id,
    procedureVersion: view.procedure.version,
    officeId: view.officeId,
    document: doc.documentName,
    declaration,
    procedureTitle: procedure.definition.title,
    issueKey,
    decidedAt: (found.application.closedAt ?? found.application.filedAt).toISOString(),
    ...(motivation ? { motivation } : {}),
    ...(typeof dueDate === 'string' ? { dueOn: dueDate } : {}),
  };
  return { request, data: decisionDocumentData(request, { form: found.application.data ?? {}, filedAt: found.application.filedAt }, ctx.offices) };
}

export interface Reissued {
  document: IssuedDocument;
  /** True when this request had been answered before: the copy it made then. */
  replayed: boolean;
}

export async function reissueDocument(
  ctx: ApiContext & { documentKeys: DocumentKeyRing; publicUrl: string },
  view: ApplicationView,
  doc: IssuedDocument,
  ask: { actor: string; reason: string; idempotencyKey?: string },
): Promise<Reissued> {
  const key = requestKey(ctx.secret, ask.actor, ask.idempotencyKey);
  if (doc.revokedAt) throw new DomainError('issued_document_not_current', `Document ${display(doc.code)} was revoked; a revoked document is not printed again.`);
  if (doc.supersededBy) {
    const copy = await issuedDocumentByCode(ctx.orm, doc.supersededBy);
    const made = copy && copy.supersedes === doc.code && copy.issueKey.startsWith(`${doc.code}:reissue:`) ? copy : undefined;
    const recorded = made ? await reissueRecord(ctx, doc, made) : undefined;
    // The same request again, or one that made the copy but died before recording it: finish and answer it.
    if (made && (recorded === null || (key !== null && recorded === key))) {
      if (recorded === null) await recordDocumentChange(ctx.orm, view.trackingNumber, { kind: 'reissue', code: doc.code, newCode: made.code, reason: ask.reason, requestKey: key }, ask.actor);
      return { document: made, replayed: true };
    }
    throw new DomainError('issued_document_not_current', `Document ${display(doc.code)} was already replaced by ${display(doc.supersededBy)}; re-issue that copy if it is lost too.`);
  }
  const issueKey = `${doc.code}:reissue:${await generation(ctx, doc)}`;
  const { request, data } = await issueRequestOf(ctx, view, doc, issueKey);
  const copy = await issueDocument(
    { orm: ctx.orm, storage: ctx.storage, publicUrl: ctx.publicUrl, ring: ctx.documentKeys, ...(ctx.pades ? { pades: ctx.pades } : {}) },
    {
      trackingNumber: view.trackingNumber,
      officeId: view.officeId,
      procedureId: view.procedure.id,
      document: doc.documentName,
      kind: request.declaration.template,
      data,
      issueKey,
      delivery: doc.delivery,
      supersedes: doc.code,
      issuedBy: ask.actor,
    },
  );
  await recordDocumentChange(ctx.orm, view.trackingNumber, { kind: 'reissue', code: doc.code, newCode: copy.code, reason: ask.reason, requestKey: key }, ask.actor);
  return { document: copy, replayed: false };
}

/** The request key the re-issue's timeline entry holds; null when the copy exists but its entry does not (yet). */
async function reissueRecord(ctx: ApiContext, doc: IssuedDocument, copy: IssuedDocument): Promise<string | null | undefined> {
  const entry = (await timelineOf(ctx.orm, doc.trackingNumber)).find((e) => e.kind === 'document-reissued' && e.detail.newCode === copy.code);
  if (!entry) return null;
  return typeof entry.detail.request === 'string' ? entry.detail.request : undefined;
}
