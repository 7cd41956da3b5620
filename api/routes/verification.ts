import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../engine/errors.js';
import { issuedDocumentByCode } from '../../db/issued-documents.js';
import { formatVerificationCode, type VerificationCode } from '../../documents/verification-code.js';
import { publishedKeySet, type DocumentKeyRing } from '../../documents/signatures.js';
import { checkPresented, documentStatus, recordSignature, type IssuedRecord } from '../../documents/verification.js';
import type { ApiContext } from '../context.js';
import { instant } from '../answers.js';
import { receiveOneFile } from '../uploads.js';
import { answers, json, text, type ApiRoutes } from '../responses.js';
import { parsedCode, titleOf, titleOrNull } from './issued-documents.js';

/** An issued document is a few hundred kilobytes; a file much larger than this cannot be one. */
const MAX_PRESENTED_MB = 10;

const codeParams = {
  type: 'object',
  required: ['code'],
  properties: { code: { type: 'string', maxLength: 64, description: 'The code printed on the document, with or without dashes, in any case.' } },
} as const;

const jwk = {
  type: 'object',
  required: ['kty', 'crv', 'x', 'kid', 'use', 'alg'],
  additionalProperties: false,
  properties: {
    kty: { type: 'string', const: 'OKP' },
    crv: { type: 'string', const: 'Ed25519' },
    x: { type: 'string', description: 'The public key, base64url.' },
    kid: { type: 'string', description: "The key's RFC 7638 thumbprint, as documents' signatures name it." },
    use: { type: 'string', const: 'sig' },
    alg: { type: 'string', const: 'EdDSA' },
  },
} as const;

const keySetAnswer = { type: 'object', required: ['keys'], additionalProperties: false, properties: { keys: { type: 'array', items: jwk } } } as const;

const nullableInstant = { type: ['string', 'null'], format: 'date-time' } as const;

/** What a verification answers: the document as its paper shows it, and where it stands; no personal data. */
const verificationAnswer = {
  type: 'object',
  required: ['code', 'authentic', 'status', 'revokedAt', 'revocationReason', 'supersededAt', 'document', 'procedure', 'office', 'issuedAt', 'sha256', 'keyId'],
  additionalProperties: false,
  properties: {
    code: { type: 'string', description: 'The code, as printed (groups of four).' },
    authentic: { type: 'boolean', description: 'Mohla issued a document under this code, and its recorded signature verifies with a published key.' },
    status: { type: 'string', enum: ['valid', 'revoked', 'superseded'] },
    revokedAt: nullableInstant,
    revocationReason: { type: ['string', 'null'], description: "The supervisor's reason, when revoked." },
    supersededAt: { ...nullableInstant, description: 'When a new copy replaced this one (the new copy is its holder\'s to show).' },
    document: {
      type: 'object',
      required: ['kind', 'name', 'title'],
      additionalProperties: false,
      properties: {
        kind: { type: 'string', description: 'certificate, attestation or refusal-letter.' },
        name: { type: 'string', description: "The procedure's name for the document." },
        title: { ...titleOrNull, description: "The document's title, when the procedure declares one." },
      },
    },
    procedure: {
      type: 'object',
      required: ['id', 'title'],
      additionalProperties: false,
      properties: { id: { type: 'string' }, title: titleOrNull },
    },
    office: {
      type: 'object',
      required: ['id', 'name'],
      additionalProperties: false,
      properties: { id: { type: 'string' }, name: titleOrNull },
    },
    issuedAt: instant,
    sha256: { type: 'string', description: "SHA-256 of the PDF's bytes as issued, hex." },
    keyId: { type: 'string', description: 'The key that signed it, as the published key set names it.' },
    problem: { type: 'string', description: 'Why the record is not authentic, when it is not.' },
    presented: {
      type: 'object',
      description: 'POST /verify only: whether the presented file (or hash) is the document issued under this code.',
      required: ['authentic', 'sha256'],
      additionalProperties: false,
      properties: {
        authentic: { type: 'boolean' },
        sha256: { type: 'string', description: 'SHA-256 of what was presented.' },
        reason: { type: 'string', description: 'Why it is not authentic.' },
      },
    },
  },
} as const;

const presentedHashBody = {
  type: 'object',
  required: ['code', 'sha256'],
  additionalProperties: false,
  properties: {
    code: codeParams.properties.code,
    sha256: { type: 'string', pattern: '^[0-9a-fA-F]{64}$', description: "SHA-256 of the PDF's bytes, hex." },
  },
} as const;

async function issuedRecord(ctx: ApiContext, code: VerificationCode, pointer: string) {
  const row = await issuedDocumentByCode(ctx.orm, code);
  if (!row) {
    throw new DomainError('issued_document_not_found', `No document was issued under code ${formatVerificationCode(code)}.`, [
      { pointer, message: 'names no issued document' },
    ]);
  }
  return row;
}

/** The answer about a record, as the page shows it. */
async function verificationOf(ctx: ApiContext, ring: DocumentKeyRing, record: IssuedRecord) {
  const replacement = record.supersededBy ? await issuedDocumentByCode(ctx.orm, record.supersededBy) : undefined;
  const procedure = await ctx.procedures.get(record.procedureId);
  const office = ctx.offices.find((o) => o.id === record.officeId);
  const signature = recordSignature(record, ring);
  const status = documentStatus(record, replacement?.issuedAt ?? null);
  return {
    code: formatVerificationCode(record.code as VerificationCode),
    authentic: signature.ok,
    status: status.status,
    revokedAt: status.status === 'revoked' ? status.revokedAt : null,
    revocationReason: status.status === 'revoked' ? status.reason : null,
    supersededAt: status.status === 'superseded' ? status.supersededAt : null,
    document: { kind: record.kind, name: record.documentName, title: titleOf(procedure?.definition, record.documentName) },
    procedure: { id: record.procedureId, title: procedure?.definition.title ?? null },
    office: { id: record.officeId, name: office?.name ?? null },
    issuedAt: record.issuedAt.toISOString(),
    sha256: record.sha256,
    keyId: record.keyId,
    ...(signature.ok ? {} : { problem: signature.reason }),
  };
}

/** The code and the file of a multipart POST /verify: the code's field may come before or after the file. */
async function presentedFile(ctx: ApiContext, request: FastifyRequest): Promise<{ code: string; sha256: string }> {
  let code: string | undefined;
  const received = await receiveOneFile(request, ctx.storage, { id: 'file', maxSizeMb: MAX_PRESENTED_MB }, MAX_PRESENTED_MB * 1024 * 1024, (name, value) => {
    if (name === 'code') code = value;
  });
  await received.file.discard();
  if (code === undefined) throw new DomainError('invalid_input', 'Give the verification code beside the file.', [{ pointer: 'body:/code', message: 'is required' }]);
  return { code, sha256: received.file.sha256 };
}

export function verificationRoutes(app: ApiRoutes, ctx: ApiContext, ring: DocumentKeyRing): void {
  app.get(
    '/.well-known/mohla-document-keys.json',
    {
      config: { access: 'public' },
      schema: {
        summary: "The public keys that verify issued documents' signatures (a JSON Web Key Set), retired keys included",
        tags: ['verification'],
        operationId: 'getDocumentKeys',
        response: answers({ 200: json('The key set.', keySetAnswer) }),
      },
    },
    async (_request, reply) => {
      // Keys change only with a restart after a rotation: an hour's cache is safe for anyone checking.
      reply.header('cache-control', 'public, max-age=3600');
      return publishedKeySet(ring) as { keys: Array<{ kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string; use: 'sig'; alg: 'EdDSA' }> };
    },
  );

  app.get(
    '/verify/:code',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Check an issued document by its code (public): issued by Mohla, still valid, revoked or replaced',
        tags: ['verification'],
        operationId: 'verifyDocument',
        params: codeParams,
        response: answers({
          200: json('What the code stands for.', verificationAnswer),
          303: text('A browser (asking for HTML) is sent to the verification page, /#/verify/CODE.', ['text/html']),
        }),
      },
    },
    async (request, reply) => {
      // The QR code's address: a phone's browser gets the page, which asks this same address for JSON.
      const accept = request.headers.accept ?? '';
      if (accept.includes('text/html') && !accept.includes('application/json')) {
        const page = `/#/verify/${encodeURIComponent(request.params.code)}`;
        return reply.code(303).header('location', page).type('text/html; charset=utf-8').send(`<a href="${page}">${page}</a>`);
      }
      const code = parsedCode(request.params.code, 'params:/code');
      reply.header('cache-control', 'no-store');
      return verificationOf(ctx, ring, await issuedRecord(ctx, code, 'params:/code'));
    },
  );

  app.post(
    '/verify',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Check that a file (multipart: code and file) or its SHA-256 (JSON: code and sha256) is the document issued under a code, signed by a published key',
        tags: ['verification'],
        operationId: 'verifyDocumentFile',
        // The JSON form is checked by its schema; a multipart form is read, field by field, by the handler.
        body: { content: { 'application/json': { schema: presentedHashBody } } },
        response: answers({ 200: json('What the code stands for, and whether what was presented is it.', verificationAnswer) }),
      },
    },
    async (request, reply) => {
      const multipart = request.isMultipart();
      if (!multipart && request.mediaType !== 'application/json') {
        throw new DomainError('unsupported_media_type', 'Send the code and the SHA-256 as JSON, or the code and the file as multipart/form-data.', [
          { pointer: 'header:/content-type', message: 'must be application/json or multipart/form-data' },
        ]);
      }
      const presented = multipart ? await presentedFile(ctx, request) : (request.body as { code: string; sha256: string });
      const pointer = multipart ? 'body:/code' : '/code';
      const code = parsedCode(presented.code, pointer);
      const record = await issuedRecord(ctx, code, pointer);
      const check = checkPresented(record, { sha256: presented.sha256 }, ring);
      reply.header('cache-control', 'no-store');
      return {
        ...(await verificationOf(ctx, ring, record)),
        presented: { authentic: check.authentic, sha256: presented.sha256.toLowerCase(), ...(check.authentic ? {} : { reason: check.reason }) },
      };
    },
  );
}
