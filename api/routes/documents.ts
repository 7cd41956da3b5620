import { DomainError } from '../../engine/errors.js';
import { attachmentDisposition, normaliseFileName } from '../../documents/file-name.js';
import { sniffFormat } from '../../documents/storage.js';
import { positiveInteger } from '../../infra/config.js';
import { receiveOneFile } from '../uploads.js';
import { addDocument, findDocument } from '../../db/documents.js';
import { documentStorageKey } from '../../engine/ids.js';
import { principalOf } from '../auth.js';
import type { ApiContext } from '../context.js';
import { receiptDocumentSchema } from '../answers.js';
import { answers, file, json, type ApiRoutes } from '../responses.js';
import { citizenSide, receiptDocuments, trackingParams, visibleApplication } from './applications.js';

const documentParams = {
  type: 'object',
  required: ['trackingNumber', 'documentId'],
  properties: { ...trackingParams.properties, documentId: { type: 'string', pattern: '^[a-z][a-zA-Z0-9_-]{0,62}$' } },
} as const;

const storedDocumentParams = {
  type: 'object',
  required: ['trackingNumber', 'documentId', 'sha256'],
  properties: { ...documentParams.properties, sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
} as const;

const uploadAnswer = {
  type: 'object',
  required: ['documentId', 'sha256', 'sizeBytes', 'mediaType'],
  additionalProperties: false,
  properties: {
    documentId: { type: 'string' },
    sha256: { type: 'string', description: 'Names the file among the documents handed in.' },
    sizeBytes: { type: 'integer' },
    mediaType: { type: 'string' },
  },
} as const;

const documentListAnswer = {
  type: 'object',
  required: ['trackingNumber', 'documents'],
  additionalProperties: false,
  properties: { trackingNumber: { type: 'string' }, documents: { type: 'array', items: receiptDocumentSchema } },
} as const;

const MB = 1024 * 1024;

function slotFull(documentId: string, filesPerSlot: number): DomainError {
  return new DomainError('too_many_files', `"${documentId}" already holds ${filesPerSlot} files, the most it may hold.`, [
    { pointer: 'params:/documentId', message: `holds ${filesPerSlot} files already` },
  ]);
}

/** Names stored before names were normalised are cleaned on the way out too. */
function displayName(row: { fileName: string; documentId: string; mediaType: string }): string {
  const checked = normaliseFileName(row.fileName, `${row.documentId}.${row.mediaType.split('/')[1] ?? 'bin'}`);
  return checked.ok ? checked.name : `${row.documentId}.${row.mediaType.split('/')[1] ?? 'bin'}`;
}

export function documentRoutes(app: ApiRoutes, ctx: ApiContext): void {
  app.post(
    '/applications/:trackingNumber/documents/:documentId',
    {
      config: { access: ['citizen', 'agent', 'supervisor'] },
      schema: {
        summary: "Upload one of the procedure's documents (multipart/form-data, one file); its format and size are checked",
        tags: ['documents'],
        operationId: 'uploadDocument',
        params: documentParams,
        consumes: ['multipart/form-data'],
        response: answers({ 201: json('Kept (the same bytes uploaded again are the same document).', uploadAnswer) }),
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const view = await visibleApplication(ctx, principal, request.params.trackingNumber);
      citizenSide(principal, view);
      const procedure = await ctx.procedures.get(view.procedure.id, view.procedure.version);
      const spec = procedure?.definition.documents.find((d) => d.id === request.params.documentId);
      if (!spec) {
        const known = procedure?.definition.documents.map((d) => d.id).join(', ') ?? '';
        throw new DomainError('invalid_input', `${view.procedure.id} has no document "${request.params.documentId}"; its documents: ${known}.`, [
          { pointer: 'params:/documentId', message: 'is not a document of the procedure' },
        ]);
      }
      if (spec.fetchedByAdministration) {
        throw new DomainError('invalid_input', `"${spec.id}" is obtained by the administration itself; do not hand it in.`, [
          { pointer: 'params:/documentId', message: 'is fetched by the administration' },
        ]);
      }
      if (!request.isMultipart()) {
        throw new DomainError('unsupported_media_type', 'Send the file as multipart/form-data.', [{ pointer: 'header:/content-type', message: 'must be multipart/form-data' }]);
      }
      const filesPerSlot = ctx.documentFilesPerSlot ?? positiveInteger('DOCUMENT_FILES_PER_SLOT', process.env);
      const staged = await receiveOneFile(request, ctx.storage, spec, Math.round(spec.maxSizeMb * MB));
      try {
        const kind = sniffFormat(staged.file.head);
        if (!kind || !spec.formats.includes(kind.format)) {
          throw new DomainError('unsupported_media_type', `"${spec.id}" must be ${spec.formats.join(' or ')}${kind ? `, not ${kind.format}` : ''}.`, [
            { pointer: 'body:/file', message: `must be ${spec.formats.join(' or ')}` },
          ]);
        }
        const { sha256, sizeBytes } = staged.file;
        const storageKey = documentStorageKey({ trackingNumber: view.trackingNumber, documentId: spec.id, sha256, extension: kind.format === 'jpeg' ? 'jpg' : kind.format });
        const fileName = staged.fileName ?? `${spec.id}.${kind.format}`;
        const document = { trackingNumber: view.trackingNumber, documentId: spec.id, sha256, fileName, mediaType: kind.mediaType, sizeBytes, storageKey, uploadedBy: principal.sub };
        // Checked once the bytes are known, since a retried upload of the same bytes must answer as the first did.
        await addDocument(ctx.orm, document, async (slot) => {
          if (!slot.holdsThese && slot.others >= filesPerSlot) throw slotFull(spec.id, filesPerSlot);
          await staged.file.keep(storageKey);
        });
        return reply.status(201).send({ documentId: spec.id, sha256, sizeBytes, mediaType: kind.mediaType });
      } finally {
        // Nothing is left in staging: kept files were moved out, refused ones go.
        await staged.file.discard();
      }
    },
  );

  app.get(
    '/applications/:trackingNumber/documents/:documentId/:sha256',
    {
      config: { access: ['citizen', 'agent', 'supervisor', 'auditor', 'admin'] },
      schema: {
        summary: 'The bytes of a handed-in document (named by its content hash, as the list gives it)',
        tags: ['documents'],
        operationId: 'downloadDocument',
        params: storedDocumentParams,
        response: answers({ 200: file('The file, as an attachment, in the format it was handed in.', ['application/pdf', 'image/jpeg', 'image/png']) }),
      },
    },
    async (request, reply) => {
      const view = await visibleApplication(ctx, principalOf(request), request.params.trackingNumber);
      const { documentId, sha256 } = request.params;
      const row = await findDocument(ctx.orm, { trackingNumber: view.trackingNumber, documentId, sha256 });
      if (!row) throw new DomainError('document_not_found', `${view.trackingNumber} has no ${documentId} with this content.`);
      return reply
        .type(row.mediaType)
        // Always downloaded, never rendered by Mohla's origin: a PDF's scripts or an image's tricks run in no
        // page of ours. The sandbox policy holds even if a browser renders it anyway; the type is never guessed.
        .header('content-disposition', attachmentDisposition(displayName(row)))
        .header('content-security-policy', "sandbox; default-src 'none'")
        .header('x-content-type-options', 'nosniff')
        .header('content-length', row.sizeBytes)
        .header('cache-control', 'private, max-age=31536000, immutable')
        .send(await ctx.storage.read(row.storageKey));
    },
  );

  app.get(
    '/applications/:trackingNumber/documents',
    {
      config: { access: ['citizen', 'agent', 'supervisor', 'auditor', 'admin'] },
      schema: {
        summary: 'The documents handed in for an application',
        tags: ['documents'],
        operationId: 'listDocuments',
        params: trackingParams,
        response: answers({ 200: json('The documents, in the order they were handed in.', documentListAnswer) }),
      },
    },
    async (request) => {
      const view = await visibleApplication(ctx, principalOf(request), request.params.trackingNumber);
      return { trackingNumber: view.trackingNumber, documents: await receiptDocuments(ctx, view) };
    },
  );
}
