import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { FromSchema } from 'json-schema-to-ts';
import { DomainError } from '../../engine/errors.js';
import { sniffFormat } from '../../documents/storage.js';
import { ApplicationDocument } from '../../db/entities.js';
import { principalOf } from '../auth.js';
import type { ApiContext } from '../context.js';
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

const MB = 1024 * 1024;

export function documentRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.post<{ Params: FromSchema<typeof documentParams> }>(
    '/applications/:trackingNumber/documents/:documentId',
    {
      config: { access: ['citizen', 'agent', 'supervisor'] },
      schema: {
        summary: "Upload one of the procedure's documents (multipart/form-data, one file); its format and size are checked",
        tags: ['documents'],
        params: documentParams,
        consumes: ['multipart/form-data'],
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
      if (!request.isMultipart()) throw new DomainError('unsupported_media_type', 'Send the file as multipart/form-data.', [{ pointer: 'header:/content-type', message: 'must be multipart/form-data' }]);
      const limit = Math.round(spec.maxSizeMb * MB);
      const part = await request.file({ limits: { fileSize: limit, files: 1 } });
      if (!part) throw new DomainError('invalid_input', 'The request holds no file.', [{ pointer: 'body:/file', message: 'is required' }]);
      const bytes = await part.toBuffer().catch((err: { code?: string }) => {
        if (err.code === 'FST_REQ_FILE_TOO_LARGE') {
          throw new DomainError('file_too_large', `"${spec.id}" may be at most ${spec.maxSizeMb} MB.`, [{ pointer: 'body:/file', message: `is larger than ${spec.maxSizeMb} MB` }]);
        }
        throw err;
      });
      const kind = sniffFormat(bytes);
      if (!kind || !spec.formats.includes(kind.format)) {
        throw new DomainError('unsupported_media_type', `"${spec.id}" must be ${spec.formats.join(' or ')}${kind ? `, not ${kind.format}` : ''}.`, [
          { pointer: 'body:/file', message: `must be ${spec.formats.join(' or ')}` },
        ]);
      }
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const storageKey = `${view.trackingNumber}/${spec.id}-${sha256}.${kind.format === 'jpeg' ? 'jpg' : kind.format}`;
      await ctx.storage.put(storageKey, bytes);
      // The same bytes uploaded again are the same document: the row is kept, not duplicated.
      await ctx.orm.em
        .fork()
        .createQueryBuilder(ApplicationDocument)
        .insert({
          trackingNumber: view.trackingNumber,
          documentId: spec.id,
          sha256,
          fileName: (part.filename || `${spec.id}.${kind.format}`).slice(0, 255),
          mediaType: kind.mediaType,
          sizeBytes: bytes.length,
          storageKey,
          uploadedBy: principal.sub,
          uploadedAt: new Date(),
        })
        .onConflict(['trackingNumber', 'documentId', 'sha256'])
        .ignore()
        .execute();
      return reply.status(201).send({ documentId: spec.id, sha256, sizeBytes: bytes.length, mediaType: kind.mediaType });
    },
  );

  app.get<{ Params: FromSchema<typeof storedDocumentParams> }>(
    '/applications/:trackingNumber/documents/:documentId/:sha256',
    {
      config: { access: ['citizen', 'agent', 'supervisor', 'auditor', 'admin'] },
      schema: { summary: 'The bytes of a handed-in document (named by its content hash, as the list gives it)', tags: ['documents'], params: storedDocumentParams },
    },
    async (request, reply) => {
      const view = await visibleApplication(ctx, principalOf(request), request.params.trackingNumber);
      const { documentId, sha256 } = request.params;
      const row = await ctx.orm.em.fork().findOne(ApplicationDocument, { trackingNumber: view.trackingNumber, documentId, sha256 });
      if (!row) throw new DomainError('document_not_found', `${view.trackingNumber} has no ${documentId} with this content.`);
      return reply
        .type(row.mediaType)
        // Shown inline by the browser, never guessed as something else, and the same bytes for good.
        .header('content-disposition', `inline; filename="${row.fileName.replace(/[^\w.-]/g, '_')}"`)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, max-age=31536000, immutable')
        .send(await ctx.storage.get(row.storageKey));
    },
  );

  app.get<{ Params: FromSchema<typeof trackingParams> }>(
    '/applications/:trackingNumber/documents',
    {
      config: { access: ['citizen', 'agent', 'supervisor', 'auditor', 'admin'] },
      schema: { summary: 'The documents handed in for an application', tags: ['documents'], params: trackingParams },
    },
    async (request) => {
      const view = await visibleApplication(ctx, principalOf(request), request.params.trackingNumber);
      return { trackingNumber: view.trackingNumber, documents: await receiptDocuments(ctx, view) };
    },
  );
}
