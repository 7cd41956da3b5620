import type { FastifyReply } from 'fastify';
import { DomainError } from '../../engine/errors.js';
import { issuedDocumentByCode, issuedDocumentsOf, type IssuedDocument } from '../../db/issued-documents.js';
import { recordDocumentChange } from '../../documents/after-issuance.js';
import { notifyDocumentPosted } from '../../notifications/document-events.js';
import { attachmentDisposition, normaliseFileName } from '../../documents/file-name.js';
import { formatVerificationCode, parseVerificationCode, type VerificationCode } from '../../documents/verification-code.js';
import type { Principal } from '../../identity/tokens.js';
import { principalOf } from '../auth.js';
import type { ApiContext } from '../context.js';
import type { DocumentKeyRing } from '../../documents/signatures.js';
import { reissueDocument } from '../reissue.js';
import { instant, type ApplicationView } from '../answers.js';
import { answers, file, json, type ApiRoutes } from '../responses.js';
import { trackingParams, visibleApplication } from './applications.js';
import { kioskUnlock, trackBody } from './tracking.js';

const codeParams = {
  type: 'object',
  required: ['trackingNumber', 'code'],
  properties: {
    ...trackingParams.properties,
    code: { type: 'string', maxLength: 64, description: "The document's verification code, with or without dashes." },
  },
} as const;

const nullableInstant = { type: ['string', 'null'], format: 'date-time' } as const;

/** A title in Arabic and French, and English when the procedure offers it; null when none is declared. */
export const titleOrNull = {
  type: ['object', 'null'],
  required: ['ar', 'fr'],
  additionalProperties: false,
  properties: { ar: { type: 'string' }, fr: { type: 'string' }, en: { type: 'string' } },
} as const;

/** An issued document as its holder and the office see it: where it stands, how it is delivered, where to download it. */
const issuedDocumentSchema = {
  type: 'object',
  required: ['code', 'kind', 'documentName', 'title', 'issuedAt', 'delivery', 'status', 'revokedAt', 'revocationReason', 'supersededBy', 'supersedes', 'collectedAt', 'postedAt', 'postalReference', 'sha256', 'download'],
  additionalProperties: false,
  properties: {
    code: { type: 'string', description: 'The verification code, as printed.' },
    kind: { type: 'string', enum: ['certificate', 'attestation', 'refusal-letter'] },
    documentName: { type: 'string' },
    title: titleOrNull,
    issuedAt: instant,
    delivery: { type: 'string', enum: ['download', 'collection', 'post'] },
    status: { type: 'string', enum: ['valid', 'revoked', 'superseded'] },
    revokedAt: nullableInstant,
    revocationReason: { type: ['string', 'null'] },
    supersededBy: { type: ['string', 'null'], description: 'The code of the copy that replaced it.' },
    supersedes: { type: ['string', 'null'], description: 'The code of the copy it replaced.' },
    collectedAt: nullableInstant,
    postedAt: nullableInstant,
    postalReference: { type: ['string', 'null'] },
    sha256: { type: 'string' },
    download: { type: ['string', 'null'], description: "Where the signed-in holder or the office downloads the PDF; null once retention erased it." },
  },
} as const;

const listAnswer = {
  type: 'object',
  required: ['trackingNumber', 'documents'],
  additionalProperties: false,
  properties: { trackingNumber: { type: 'string' }, documents: { type: 'array', items: issuedDocumentSchema } },
} as const;

const revokeBody = {
  type: 'object',
  required: ['reason'],
  additionalProperties: false,
  properties: { reason: { type: 'string', minLength: 1, maxLength: 500, description: 'Why the document no longer stands; shown on the verification page.' } },
} as const;

const postedBody = {
  type: 'object',
  required: ['postalReference'],
  additionalProperties: false,
  properties: { postalReference: { type: 'string', minLength: 3, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9 ./-]*$', description: "The postal service's reference of the letter (e.g. RR123456789MA)." } },
} as const;

const reissueBody = {
  type: 'object',
  required: ['reason'],
  additionalProperties: false,
  properties: { reason: { type: 'string', minLength: 1, maxLength: 500, description: 'Why a new copy is needed (a lost or damaged copy).' } },
} as const;

const idempotencyHeaders = {
  type: 'object',
  properties: { 'idempotency-key': { type: 'string', minLength: 8, maxLength: 128 } },
} as const;

const noBody = { type: 'object', additionalProperties: false, properties: {} } as const;

const PDF = 'application/pdf';

type LocalizedText = { ar: string; fr: string; en?: string };

function display(code: string | null): string | null {
  return code === null ? null : formatVerificationCode(code as VerificationCode);
}

function statusOf(doc: IssuedDocument): 'valid' | 'revoked' | 'superseded' {
  if (doc.revokedAt) return 'revoked';
  return doc.supersededBy ? 'superseded' : 'valid';
}

/** The title the procedure declares for the document, when its definition declares documents (issue 19). */
export function titleOf(definition: object | undefined, name: string): LocalizedText | null {
  const declared = (definition as { issuedDocuments?: Record<string, { title?: LocalizedText }> } | undefined)?.issuedDocuments?.[name];
  return declared?.title ?? null;
}

function issuedDocumentView(doc: IssuedDocument, definition: object | undefined) {
  return {
    code: display(doc.code)!,
    kind: doc.kind,
    documentName: doc.documentName,
    title: titleOf(definition, doc.documentName),
    issuedAt: doc.issuedAt.toISOString(),
    delivery: doc.delivery,
    status: statusOf(doc),
    revokedAt: doc.revokedAt?.toISOString() ?? null,
    revocationReason: doc.revokedReason,
    supersededBy: display(doc.supersededBy),
    supersedes: display(doc.supersedes),
    collectedAt: doc.collectedAt?.toISOString() ?? null,
    postedAt: doc.postedAt?.toISOString() ?? null,
    postalReference: doc.postalReference,
    sha256: doc.sha256,
    download: doc.storageKey ? `/applications/${doc.trackingNumber}/issued-documents/${display(doc.code)}` : null,
  };
}

export function parsedCode(typed: string, pointer: string): VerificationCode {
  const parsed = parseVerificationCode(typed);
  if (!parsed.ok) throw new DomainError('invalid_input', `This is not a verification code: ${parsed.reason}.`, [{ pointer, message: parsed.reason }]);
  return parsed.code;
}

/** The application's document under this code; a code of another application is not found, like an unknown one. */
async function documentOf(ctx: ApiContext, view: ApplicationView, typed: string, pointer = 'params:/code'): Promise<IssuedDocument> {
  const code = parsedCode(typed, pointer);
  const doc = await issuedDocumentByCode(ctx.orm, code);
  if (!doc || doc.trackingNumber !== view.trackingNumber) {
    throw new DomainError('issued_document_not_found', `${view.trackingNumber} has no issued document ${formatVerificationCode(code)}.`, [
      { pointer, message: 'names no document issued for this application' },
    ]);
  }
  return doc;
}

/** A safe file name: the document's name and code, in Latin letters whatever the holder's language. */
function fileName(doc: IssuedDocument): string {
  const checked = normaliseFileName(`${doc.documentName}-${display(doc.code)}.pdf`, `document-${doc.code}.pdf`);
  return checked.ok ? checked.name : `document-${doc.code}.pdf`;
}

async function sendPdf(ctx: ApiContext, doc: IssuedDocument, reply: FastifyReply) {
  if (!doc.storageKey) {
    throw new DomainError(
      'issued_document_erased',
      `The file of document ${display(doc.code)} was erased with the application's personal data under the retention rules; its code still verifies at /verify/${display(doc.code)}.`,
    );
  }
  return reply
    .type(PDF)
    .header('content-disposition', attachmentDisposition(fileName(doc)))
    // Made by Mohla, but still a PDF: it runs in no page of ours, and its type is never guessed.
    .header('content-security-policy', "sandbox; default-src 'none'")
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, no-store')
    .send(await ctx.storage.read(doc.storageKey));
}

async function procedureDefinition(ctx: ApiContext, view: ApplicationView) {
  return (await ctx.procedures.get(view.procedure.id, view.procedure.version))?.definition;
}

async function listOf(ctx: ApiContext, view: ApplicationView) {
  const definition = await procedureDefinition(ctx, view);
  const docs = await issuedDocumentsOf(ctx.orm, view.trackingNumber);
  return { trackingNumber: view.trackingNumber, documents: docs.map((d) => issuedDocumentView(d, definition)) };
}

/** A revoked or replaced copy is no longer handed over or posted, nor re-issued: the current one is. */
function mustBeCurrent(doc: IssuedDocument, doing: string): void {
  if (doc.revokedAt) throw new DomainError('issued_document_not_current', `Document ${display(doc.code)} was revoked; it cannot be ${doing}.`);
  if (doc.supersededBy) {
    throw new DomainError('issued_document_not_current', `Document ${display(doc.code)} was replaced by ${display(doc.supersededBy)}; that copy can be ${doing}.`);
  }
}

function mustBeDelivered(doc: IssuedDocument, delivery: IssuedDocument['delivery'], pointer: string): void {
  if (doc.delivery !== delivery) {
    throw new DomainError('delivery_mismatch', `Document ${display(doc.code)} is delivered by ${doc.delivery}, not by ${delivery}.`, [
      { pointer, message: `is delivered by ${doc.delivery}` },
    ]);
  }
}

async function staffAction(ctx: ApiContext, principal: Principal, trackingNumber: string, code: string) {
  const view = await visibleApplication(ctx, principal, trackingNumber);
  return { view, doc: await documentOf(ctx, view, code) };
}

export function issuedDocumentRoutes(app: ApiRoutes, ctx: ApiContext & { documentKeys: DocumentKeyRing; publicUrl: string }): void {
  const unlock = kioskUnlock(ctx);
  const after = async (view: ApplicationView, code: string) => {
    const doc = (await issuedDocumentByCode(ctx.orm, code))!;
    return issuedDocumentView(doc, await procedureDefinition(ctx, view));
  };

  app.get(
    '/applications/:trackingNumber/issued-documents',
    {
      config: { access: ['citizen', 'agent', 'supervisor', 'auditor', 'admin'] },
      schema: {
        summary: 'The documents issued for an application (certificate, attestation, refusal letter), with where each stands',
        tags: ['issued documents'],
        operationId: 'listIssuedDocuments',
        params: trackingParams,
        response: answers({ 200: json('The documents, in the order they were issued.', listAnswer) }),
      },
    },
    async (request) => listOf(ctx, await visibleApplication(ctx, principalOf(request), request.params.trackingNumber)),
  );

  app.get(
    '/applications/:trackingNumber/issued-documents/:code',
    {
      config: { access: ['citizen', 'agent', 'supervisor', 'auditor', 'admin'] },
      schema: {
        summary: 'Download an issued document (the signed PDF): its citizen, or staff of its office',
        tags: ['issued documents'],
        operationId: 'downloadIssuedDocument',
        params: codeParams,
        response: answers({ 200: file('The PDF, as an attachment.', [PDF]) }),
      },
    },
    async (request, reply) => {
      const view = await visibleApplication(ctx, principalOf(request), request.params.trackingNumber);
      return sendPdf(ctx, await documentOf(ctx, view, request.params.code), reply);
    },
  );

  app.post(
    '/track/issued-documents',
    {
      config: { access: 'public' },
      schema: {
        summary: "The documents issued for an application, at a kiosk (tracking number and the receipt's PIN)",
        tags: ['tracking'],
        operationId: 'trackIssuedDocuments',
        body: trackBody,
        response: answers({ 200: json('The documents, in the order they were issued.', listAnswer) }),
      },
    },
    async (request, reply) => {
      const { view } = await unlock(request.body.trackingNumber, request.body.pin, request, reply);
      return listOf(ctx, view);
    },
  );

  app.post(
    '/track/issued-documents/:code',
    {
      config: { access: 'public' },
      schema: {
        summary: "An issued document's PDF, to print at a kiosk (tracking number and the receipt's PIN)",
        tags: ['tracking'],
        operationId: 'printIssuedDocument',
        params: { type: 'object', required: ['code'], properties: { code: codeParams.properties.code } },
        body: trackBody,
        response: answers({ 200: file('The PDF.', [PDF]) }),
      },
    },
    async (request, reply) => {
      const { view } = await unlock(request.body.trackingNumber, request.body.pin, request, reply);
      return sendPdf(ctx, await documentOf(ctx, view, request.params.code), reply);
    },
  );

  app.post(
    '/applications/:trackingNumber/issued-documents/:code/revoke',
    {
      config: { access: ['supervisor'] },
      schema: {
        summary: 'Revoke an issued document, with the reason the verification page shows (a supervisor of its office); revoking again changes nothing',
        tags: ['issued documents'],
        operationId: 'revokeIssuedDocument',
        params: codeParams,
        body: revokeBody,
        response: answers({ 200: json('The document, revoked.', issuedDocumentSchema) }),
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { view, doc } = await staffAction(ctx, principal, request.params.trackingNumber, request.params.code);
      const reason = request.body.reason.trim();
      if (!reason) throw new DomainError('invalid_input', 'Give the reason for revoking.', [{ pointer: '/reason', message: 'is blank' }]);
      await recordDocumentChange(ctx.orm, view.trackingNumber, { kind: 'revoke', code: doc.code, at: new Date(), by: principal.sub, reason }, principal.sub);
      return after(view, doc.code);
    },
  );

  app.post(
    '/applications/:trackingNumber/issued-documents/:code/reissue',
    {
      config: { access: ['agent', 'supervisor'] },
      schema: {
        summary: 'Issue a new copy of a lost document (an agent or supervisor of its office): a new code, which supersedes the old one',
        tags: ['issued documents'],
        operationId: 'reissueDocument',
        params: codeParams,
        headers: idempotencyHeaders,
        body: reissueBody,
        response: answers({
          201: json('The new copy (Location names its PDF).', issuedDocumentSchema),
          200: json('Re-issued before under this Idempotency-Key: the same copy (Idempotent-Replayed: true).', issuedDocumentSchema),
        }),
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { view, doc } = await staffAction(ctx, principal, request.params.trackingNumber, request.params.code);
      const reason = request.body.reason.trim();
      if (!reason) throw new DomainError('invalid_input', 'Give the reason for a new copy.', [{ pointer: '/reason', message: 'is blank' }]);
      const idempotencyKey = request.headers['idempotency-key'];
      const { document, replayed } = await reissueDocument(ctx, view, doc, { actor: principal.sub, reason, ...(idempotencyKey ? { idempotencyKey } : {}) });
      const answer = issuedDocumentView(document, await procedureDefinition(ctx, view));
      return reply
        .status(replayed ? 200 : 201)
        .header('location', answer.download ?? `/verify/${answer.code}`)
        .header('idempotent-replayed', String(replayed))
        .send(answer);
    },
  );

  app.post(
    '/applications/:trackingNumber/issued-documents/:code/collected',
    {
      config: { access: ['agent', 'supervisor'] },
      schema: {
        summary: 'Record that the citizen collected the document at the office (documents delivered by collection)',
        tags: ['issued documents'],
        operationId: 'recordDocumentCollected',
        params: codeParams,
        body: noBody,
        response: answers({ 200: json('The document, collected.', issuedDocumentSchema) }),
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { view, doc } = await staffAction(ctx, principal, request.params.trackingNumber, request.params.code);
      mustBeDelivered(doc, 'collection', 'params:/code');
      if (!doc.collectedAt) mustBeCurrent(doc, 'handed over');
      await recordDocumentChange(ctx.orm, view.trackingNumber, { kind: 'collect', code: doc.code, at: new Date(), by: principal.sub }, principal.sub);
      return after(view, doc.code);
    },
  );

  app.post(
    '/applications/:trackingNumber/issued-documents/:code/posted',
    {
      config: { access: ['agent', 'supervisor'] },
      schema: {
        summary: 'Record the postal reference of a document sent by post; the citizen is told it is on its way',
        tags: ['issued documents'],
        operationId: 'recordDocumentPosted',
        params: codeParams,
        body: postedBody,
        response: answers({ 200: json('The document, posted.', issuedDocumentSchema) }),
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { view, doc } = await staffAction(ctx, principal, request.params.trackingNumber, request.params.code);
      mustBeDelivered(doc, 'post', 'params:/code');
      if (!doc.postedAt) mustBeCurrent(doc, 'posted');
      await recordDocumentChange(ctx.orm, view.trackingNumber, { kind: 'post', code: doc.code, at: new Date(), postalReference: request.body.postalReference }, principal.sub);
      const posted = await after(view, doc.code);
      // Told once per document (the outbox's key), also when this is a retry whose first attempt died before telling.
      await notifyDocumentPosted(
        { orm: ctx.orm, queues: ctx.notifications },
        { trackingNumber: view.trackingNumber, code: doc.code, document: doc.documentName, postalReference: posted.postalReference! },
      );
      return posted;
    },
  );
}
