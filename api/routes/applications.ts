import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../engine/errors.js';
import { checkFormSize } from '../../engine/input-bounds.js';
import { parseTrackingNumber } from '../../engine/tracking-number.js';
import { listApplications, type ApplicationListFilter } from '../../db/applications.js';
import { documentsOf, uploadedDocumentIds } from '../../db/documents.js';
import { timelineOf, timelinesOf } from '../../db/timeline.js';
import { extendDeadline, provideComplement, withdraw } from '../../workflows/messages.js';
import { maySeeApplication, principalOf, receiptPin, STAFF, worksFor } from '../auth.js';
import type { Principal } from '../../identity/tokens.js';
import type { ApiContext } from '../context.js';
import { isInternal } from '../../engine/internal-procedures.js';
import { filedFor } from '../filers.js';
import { fileApplication } from '../filing.js';
import { officeRefusal } from '../../registry/offices.js';
import { buildReceipt, receiptHtml, type ReceiptDocument } from '../receipt.js';
import { documentIds, freeText } from '../schemas.js';
import { applicationSchema, instant, instantOrNull, listAnswer, receiptSchema, textOrNull, type ApplicationView } from '../answers.js';
import { answers, json, text, type ApiRoutes } from '../responses.js';
import { applicationSummaryView, documentView, readApplication, timelineEntryView } from '../views.js';
import { sendAction } from '../workflow-actions.js';
import { checkAmendedForm } from '../amended-form.js';

const fileApplicationBody = {
  type: 'object',
  // The office is checked with the form, so a person sees every missing field at once.
  required: ['procedureId', 'data'],
  additionalProperties: false,
  properties: {
    procedureId: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,62}$' },
    procedureVersion: { type: 'integer', minimum: 1 },
    officeId: { type: 'string', minLength: 1, maxLength: 64 },
    /** At a counter: the citizen an agent files for (required then; refused from a citizen, and for an internal procedure). */
    citizen: { type: 'string', minLength: 1, maxLength: 128 },
    data: { type: 'object' },
  },
} as const;

const idempotencyHeaders = {
  type: 'object',
  properties: { 'idempotency-key': { type: 'string', minLength: 8, maxLength: 128 } },
} as const;

export const trackingParams = {
  type: 'object',
  required: ['trackingNumber'],
  properties: { trackingNumber: { type: 'string', maxLength: 32 } },
} as const;

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: ['open', 'closed'] },
    officeId: { type: 'string', minLength: 1, maxLength: 64 },
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
  },
} as const;

const provideBody = {
  type: 'object',
  required: ['documents'],
  additionalProperties: false,
  properties: {
    // Empty when only fields of the form were asked for.
    documents: { ...documentIds, minItems: 0 },
    /** The new values of the fields of the form asked for (language 2). */
    data: { type: 'object' },
  },
} as const;

const extensionBody = {
  type: 'object',
  required: ['units', 'reason'],
  additionalProperties: false,
  properties: {
    units: { type: 'integer', minimum: 1 },
    reason: { type: 'string', minLength: 3, maxLength: 2000 },
    noticeGivenAt: { type: 'string', format: 'date-time' },
  },
} as const;

const withdrawBody = {
  type: 'object',
  additionalProperties: false,
  properties: { reason: freeText },
} as const;

/** A filing's answer: the application as it now stands, and its receipt (before the optional citizenTurn). */
const { citizenTurn, ...requiredProperties } = applicationSchema.properties;
const filedAnswer = {
  ...applicationSchema,
  required: [...applicationSchema.required, 'receipt'],
  properties: { ...requiredProperties, receipt: receiptSchema, citizenTurn },
} as const;

const applicationListAnswer = {
  type: 'object',
  required: ['applications'],
  additionalProperties: false,
  properties: {
    applications: {
      type: 'array',
      items: {
        type: 'object',
        required: ['trackingNumber', 'procedure', 'officeId', 'status', 'outcome', 'filedAt', 'closedAt', 'dueAt', 'history'],
        additionalProperties: false,
        properties: {
          trackingNumber: { type: 'string' },
          procedure: applicationSchema.properties.procedure,
          officeId: { type: 'string' },
          status: { type: 'string' },
          outcome: textOrNull,
          filedAt: instant,
          closedAt: instantOrNull,
          dueAt: { ...instantOrNull, description: 'The legal due instant, while there is one.' },
          history: {
            type: 'array',
            items: {
              type: 'object',
              required: ['at', 'kind', 'stepId'],
              additionalProperties: false,
              properties: { at: instant, kind: { type: 'string' }, stepId: textOrNull },
            },
          },
        },
      },
    },
  },
} as const;

const timelineAnswer = listAnswer('trackingNumber', 'entries', {
  type: 'object',
  required: ['seq', 'at', 'kind', 'actor', 'stepId', 'taskId', 'detail'],
  additionalProperties: false,
  properties: {
    seq: { type: 'integer' },
    at: instant,
    kind: { type: 'string' },
    actor: textOrNull,
    stepId: textOrNull,
    taskId: textOrNull,
    // Each kind of event says what it needs; written as it was recorded.
    detail: { type: 'object', additionalProperties: true, description: 'What the event concerns, by kind of event.' },
  },
});

export function canonicalTrackingNumber(input: string, pointer = 'params:/trackingNumber'): string {
  const parsed = parseTrackingNumber(input);
  if (!parsed.ok) {
    throw new DomainError('invalid_input', `"${input}" is not a tracking number: ${parsed.reason}.`, [
      { pointer, message: parsed.reason },
    ]);
  }
  return parsed.value;
}

/**
 * The application, if the caller may see it. Anyone else is told it does not exist: a tracking number
 * reveals nothing about an application one has no right to.
 */
/**
 * The application, for someone allowed to see it; anyone else is told it does not exist. `pointer` names
 * where the tracking number came from when it is not the path (a query filter).
 */
export async function visibleApplication(
  ctx: Pick<ApiContext, 'orm'>,
  principal: Principal,
  rawTrackingNumber: string,
  pointer?: string,
): Promise<ApplicationView> {
  const trackingNumber = canonicalTrackingNumber(rawTrackingNumber, pointer);
  const view = await readApplication(ctx.orm, trackingNumber);
  if (!view || !maySeeApplication(principal, view)) {
    throw new DomainError(
      'application_not_found',
      `No application you can see has tracking number ${trackingNumber}.`,
      pointer ? [{ pointer, message: 'names no application of your offices' }] : undefined,
    );
  }
  return view;
}

export async function receiptDocuments(ctx: ApiContext, view: ApplicationView): Promise<ReceiptDocument[]> {
  const procedure = await ctx.procedures.get(view.procedure.id, view.procedure.version);
  const rows = await documentsOf(ctx.orm, view.trackingNumber);
  return rows.map((r) => documentView(r, procedure?.definition.documents.find((d) => d.id === r.documentId)?.label ?? null));
}

/**
 * The receipt; `documents` when the caller already knows them (none, for an application filed just now).
 * An internal procedure's has no PIN: no citizen follows it at a kiosk.
 */
export async function receiptOf(ctx: ApiContext, view: ApplicationView, documents?: ReceiptDocument[]) {
  const procedure = await ctx.procedures.get(view.procedure.id, view.procedure.version);
  return buildReceipt(view, {
    pin: procedure && isInternal(procedure.definition) ? null : receiptPin(ctx.secret, view.trackingNumber),
    title: procedure?.definition.title ?? { ar: view.procedure.id, fr: view.procedure.id, en: view.procedure.id },
    filedBy: view.filedBy,
    documents: documents ?? (await receiptDocuments(ctx, view)),
  });
}

/** Who may act on an application on the citizen's side: its citizen, or staff of its office for them. */
export function citizenSide(principal: Principal, view: ApplicationView): void {
  const mayAct = principal.role === 'citizen' ? view.citizen === principal.sub : STAFF.includes(principal.role) && worksFor(principal, view.officeId);
  if (!mayAct) throw new DomainError('forbidden', 'Only the citizen, or an agent of the office for them, can do this.');
}

async function action(ctx: ApiContext, request: FastifyRequest & { params: { trackingNumber: string } }) {
  const principal = principalOf(request);
  return { principal, view: await visibleApplication(ctx, principal, request.params.trackingNumber) };
}

export function applicationRoutes(app: ApiRoutes, ctx: ApiContext): void {
  app.post(
    '/applications',
    {
      config: { access: ['citizen', 'agent', 'supervisor'] },
      schema: {
        summary: 'File an application (a citizen, an agent at a counter for a citizen, or staff for an internal procedure); answers with the receipt',
        tags: ['applications'],
        operationId: 'fileApplication',
        body: fileApplicationBody,
        headers: idempotencyHeaders,
        response: answers({
          201: json('Filed: the application and its receipt (Location names the application).', filedAnswer),
          200: json('Filed before under this Idempotency-Key: the same application and receipt (Idempotent-Replayed: true).', filedAnswer),
        }),
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const body = request.body;
      const procedure = await ctx.procedures.get(body.procedureId, body.procedureVersion);
      if (!procedure) {
        throw new DomainError('procedure_not_found', `No published procedure "${body.procedureId}"${body.procedureVersion ? ` v${body.procedureVersion}` : ''}.`, [
          { pointer: body.procedureVersion ? '/procedureVersion' : '/procedureId', message: 'is not a published procedure' },
        ]);
      }
      const citizen = await filedFor(ctx, principal, body, procedure);
      checkFormSize(procedure.definition, body.data);
      const officeError = body.officeId ? officeRefusal(ctx.offices, body.officeId, procedure.definition) : 'is required';
      const formErrors = [...(officeError ? [{ pointer: '/officeId', message: officeError }] : []), ...ctx.procedures.validateForm(procedure, body.data)];
      if (formErrors.length || !body.officeId) {
        throw new DomainError('invalid_input', formErrors.map((e) => `${e.pointer} ${e.message}`).join('; '), formErrors);
      }
      const idempotencyKey = request.headers['idempotency-key'];
      const { application, replayed } = await fileApplication(ctx, {
        procedure,
        officeId: body.officeId,
        data: body.data as Record<string, unknown>,
        citizen,
        filedBy: principal.sub,
        ...(idempotencyKey ? { idempotencyKey } : {}),
      });
      // Without a key the tracking number was drawn at random just now: no document can be attached to
      // it yet. With one, an earlier attempt may have filed it and documents may have followed.
      const documents = idempotencyKey ? undefined : [];
      return reply
        .status(replayed ? 200 : 201)
        .header('location', `/applications/${application.trackingNumber}`)
        .header('idempotent-replayed', String(replayed))
        .send({ ...application, receipt: await receiptOf(ctx, application, documents) });
    },
  );

  app.get(
    '/applications',
    {
      config: { access: ['citizen', 'agent', 'supervisor', 'auditor', 'admin'] },
      schema: {
        summary: "A citizen's own applications with their history; staff: their offices' applications",
        tags: ['applications'],
        operationId: 'listApplications',
        querystring: listQuery,
        response: answers({ 200: json('The applications, most recently filed first.', applicationListAnswer) }),
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { status, officeId, limit } = request.query;
      const filter: ApplicationListFilter = { ...(status ? { status } : {}), limit: limit ?? 20 };
      if (principal.role === 'citizen') filter.citizen = principal.sub;
      else if (officeId) {
        if (!worksFor(principal, officeId)) throw new DomainError('forbidden', `You do not work for office ${officeId}.`);
        filter.offices = officeId;
      } else if (principal.role !== 'admin') filter.offices = principal.offices;
      const rows = await listApplications(ctx.orm, filter);
      const history = await timelinesOf(ctx.orm, rows.map((r) => r.trackingNumber));
      return {
        applications: rows.map((r) => applicationSummaryView(r, history.filter((h) => h.trackingNumber === r.trackingNumber))),
      };
    },
  );

  app.get(
    '/applications/:trackingNumber',
    {
      config: { access: ['citizen', 'agent', 'supervisor', 'auditor', 'admin'] },
      schema: {
        summary: 'Follow an application',
        tags: ['applications'],
        operationId: 'getApplication',
        params: trackingParams,
        response: answers({ 200: json('The application as it stands.', applicationSchema) }),
      },
    },
    async (request) => (await action(ctx, request)).view,
  );

  app.get(
    '/applications/:trackingNumber/timeline',
    {
      config: { access: ['citizen', 'agent', 'supervisor', 'auditor', 'admin'] },
      schema: {
        summary: "The application's timeline: every step, actor, document and deadline event",
        tags: ['applications'],
        operationId: 'getApplicationTimeline',
        params: trackingParams,
        response: answers({ 200: json('The events, in the order they happened.', timelineAnswer) }),
      },
    },
    async (request) => {
      const { view } = await action(ctx, request);
      const rows = await timelineOf(ctx.orm, view.trackingNumber);
      return { trackingNumber: view.trackingNumber, entries: rows.map(timelineEntryView) };
    },
  );

  app.get(
    '/applications/:trackingNumber/receipt',
    {
      config: { access: ['citizen', 'agent', 'supervisor', 'admin'] },
      schema: {
        summary: 'The receipt (récépissé) as JSON',
        tags: ['applications'],
        operationId: 'getReceipt',
        params: trackingParams,
        response: answers({ 200: json('The receipt.', receiptSchema) }),
      },
    },
    async (request) => receiptOf(ctx, (await action(ctx, request)).view),
  );

  app.get(
    '/applications/:trackingNumber/receipt.html',
    {
      config: { access: ['citizen', 'agent', 'supervisor', 'admin'] },
      schema: {
        summary: 'The receipt as a printable page',
        tags: ['applications'],
        operationId: 'getReceiptPage',
        params: trackingParams,
        response: answers({ 200: text('The receipt, French and Arabic side by side, to print.', ['text/html']) }),
      },
    },
    async (request, reply) => reply.type('text/html; charset=utf-8').send(receiptHtml(await receiptOf(ctx, (await action(ctx, request)).view))),
  );

  app.post(
    '/applications/:trackingNumber/complement',
    {
      config: { access: ['citizen', 'agent', 'supervisor'] },
      schema: {
        summary: 'Answer a complement request with the documents asked for (uploaded first) and the fields of the form asked for',
        tags: ['applications'],
        operationId: 'provideComplement',
        params: trackingParams,
        body: provideBody,
        response: answers({ 200: json('The application once the documents are in.', applicationSchema) }),
      },
    },
    async (request) => {
      const { principal, view } = await action(ctx, request);
      citizenSide(principal, view);
      const documents = [...request.body.documents];
      const uploaded = await uploadedDocumentIds(ctx.orm, view.trackingNumber, documents);
      const missing = documents.filter((d) => !uploaded.has(d));
      if (missing.length) {
        throw new DomainError('invalid_input', `Upload ${missing.join(', ')} first.`, [{ pointer: '/documents', message: `${missing.join(', ')} not uploaded` }]);
      }
      const data = request.body.data as Record<string, unknown> | undefined;
      if (data) await checkAmendedForm(ctx, view, data);
      return sendAction(ctx, view.trackingNumber, provideComplement, 'provide', { documents, ...(data ? { data } : {}), actor: principal.sub });
    },
  );

  app.post(
    '/applications/:trackingNumber/extension',
    {
      config: { access: ['agent', 'supervisor'] },
      schema: {
        summary: 'Extend the legal deadline with its reason, as the procedure allows',
        tags: ['applications'],
        operationId: 'extendDeadline',
        params: trackingParams,
        body: extensionBody,
        response: answers({ 200: json('The application with its extended deadline.', applicationSchema) }),
      },
    },
    async (request) => {
      // Agents and supervisors only see their offices' applications (visibleApplication).
      const { principal, view } = await action(ctx, request);
      return sendAction(ctx, view.trackingNumber, extendDeadline, 'extend', { ...request.body, actor: principal.sub });
    },
  );

  app.post(
    '/applications/:trackingNumber/withdraw',
    {
      config: { access: ['citizen', 'agent', 'supervisor'] },
      schema: {
        summary: 'Withdraw the application',
        tags: ['applications'],
        operationId: 'withdrawApplication',
        params: trackingParams,
        body: withdrawBody,
        response: answers({ 200: json('The application, withdrawn.', applicationSchema) }),
      },
    },
    async (request) => {
      const { principal, view } = await action(ctx, request);
      citizenSide(principal, view);
      return sendAction(ctx, view.trackingNumber, withdraw, 'withdraw', { ...(request.body ?? {}), actor: principal.sub });
    },
  );
}
