import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { FromSchema } from 'json-schema-to-ts';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { ApplicationInput } from '../../engine/application.js';
import { DomainError } from '../../engine/errors.js';
import { parseTrackingNumber, trackingNumberFromBytes } from '../../engine/tracking-number.js';
import { confirmFiling, extendDeadline, PROCEDURE_WORKFLOW, provideComplement, withdraw } from '../../workflows/messages.js';
import { TimelineEntry } from '../../db/entities.js';
import { sendAction } from '../workflow-actions.js';
import { searchAttributes } from '../../workflows/search-attributes.js';
import type { ApiContext } from '../context.js';
import { actor, documentIds, freeText } from '../schemas.js';
import { applicationView, readApplication } from '../views.js';

const fileApplicationBody = {
  type: 'object',
  required: ['procedureId', 'officeId', 'data'],
  additionalProperties: false,
  properties: {
    procedureId: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,62}$' },
    procedureVersion: { type: 'integer', minimum: 1 },
    officeId: { type: 'string', minLength: 1, maxLength: 64 },
    filedBy: { type: 'string', minLength: 1, maxLength: 128 },
    data: { type: 'object' },
  },
} as const;

const trackingParams = {
  type: 'object',
  required: ['trackingNumber'],
  properties: { trackingNumber: { type: 'string', maxLength: 32 } },
} as const;

export function canonicalTrackingNumber(input: string, pointer = 'params:/trackingNumber'): string {
  const parsed = parseTrackingNumber(input);
  if (!parsed.ok) {
    throw new DomainError('invalid_input', `"${input}" is not a tracking number: ${parsed.reason}.`, [
      { pointer, message: parsed.reason },
    ]);
  }
  return parsed.value;
}

export function applicationRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.post<{ Body: FromSchema<typeof fileApplicationBody> }>(
    '/applications',
    { schema: { summary: 'File an application', tags: ['applications'], body: fileApplicationBody } },
    async (request, reply) => {
      const body = request.body;
      const procedure = await ctx.procedures.get(body.procedureId, body.procedureVersion);
      if (!procedure) {
        throw new DomainError('procedure_not_found', `No published procedure "${body.procedureId}"${body.procedureVersion ? ` v${body.procedureVersion}` : ''}.`, [
          { pointer: body.procedureVersion ? '/procedureVersion' : '/procedureId', message: 'is not a published procedure' },
        ]);
      }
      const formErrors = ctx.procedures.validateForm(procedure, body.data);
      if (formErrors.length) {
        throw new DomainError('invalid_input', formErrors.map((e) => `${e.pointer} ${e.message}`).join('; '), formErrors);
      }
      const input: ApplicationInput = {
        trackingNumber: trackingNumberFromBytes(randomBytes(8)),
        procedure,
        officeId: body.officeId,
        data: body.data as Record<string, unknown>,
        filedBy: body.filedBy ?? 'citizen',
        filedAt: new Date().toISOString(),
      };
      const start = new WithStartWorkflowOperation(PROCEDURE_WORKFLOW, {
        workflowId: input.trackingNumber,
        taskQueue: ctx.taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'FAIL',
        typedSearchAttributes: new TypedSearchAttributes([
          { key: searchAttributes.procedure, value: procedure.id },
          { key: searchAttributes.procedureVersion, value: procedure.version },
          { key: searchAttributes.office, value: input.officeId },
          { key: searchAttributes.status, value: 'open' },
          { key: searchAttributes.trackingNumber, value: input.trackingNumber },
        ]),
      });
      const state = await ctx.temporal.workflow.executeUpdateWithStart(confirmFiling, {
        args: [],
        startWorkflowOperation: start,
        updateId: 'confirm-filing',
      });
      return reply
        .status(201)
        .header('location', `/applications/${state.trackingNumber}`)
        .send(applicationView(state));
    },
  );

  app.get<{ Params: FromSchema<typeof trackingParams> }>(
    '/applications/:trackingNumber',
    { schema: { summary: 'Follow an application', tags: ['applications'], params: trackingParams } },
    async (request) => {
      const trackingNumber = canonicalTrackingNumber(request.params.trackingNumber);
      const view = await readApplication(ctx.orm, trackingNumber);
      if (!view) throw new DomainError('application_not_found', `No application has tracking number ${trackingNumber}.`);
      return view;
    },
  );
}

const provideBody = {
  type: 'object',
  required: ['actor', 'documents'],
  additionalProperties: false,
  properties: {
    actor,
    documents: documentIds,
  },
} as const;

const extensionBody = {
  type: 'object',
  required: ['actor', 'units', 'reason'],
  additionalProperties: false,
  properties: {
    actor,
    units: { type: 'integer', minimum: 1 },
    reason: { type: 'string', minLength: 3, maxLength: 2000 },
    noticeGivenAt: { type: 'string', format: 'date-time' },
  },
} as const;

const withdrawBody = {
  type: 'object',
  required: ['actor'],
  additionalProperties: false,
  properties: { actor, reason: freeText },
} as const;

export function applicationActionRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.post<{ Params: FromSchema<typeof trackingParams>; Body: FromSchema<typeof provideBody> }>(
    '/applications/:trackingNumber/complement',
    { schema: { summary: 'The citizen provides the documents asked for', tags: ['applications'], params: trackingParams, body: provideBody } },
    async (request) => {
      const trackingNumber = canonicalTrackingNumber(request.params.trackingNumber);
      return sendAction(ctx, trackingNumber, provideComplement, 'provide', { ...request.body, documents: [...request.body.documents] });
    },
  );

  app.post<{ Params: FromSchema<typeof trackingParams>; Body: FromSchema<typeof extensionBody> }>(
    '/applications/:trackingNumber/extension',
    { schema: { summary: 'Extend the legal deadline, as the procedure allows', tags: ['applications'], params: trackingParams, body: extensionBody } },
    async (request) => {
      const trackingNumber = canonicalTrackingNumber(request.params.trackingNumber);
      return sendAction(ctx, trackingNumber, extendDeadline, 'extend', { ...request.body });
    },
  );

  app.post<{ Params: FromSchema<typeof trackingParams>; Body: FromSchema<typeof withdrawBody> }>(
    '/applications/:trackingNumber/withdraw',
    { schema: { summary: 'The citizen withdraws the application', tags: ['applications'], params: trackingParams, body: withdrawBody } },
    async (request) => {
      const trackingNumber = canonicalTrackingNumber(request.params.trackingNumber);
      return sendAction(ctx, trackingNumber, withdraw, 'withdraw', { ...request.body });
    },
  );

  app.get<{ Params: FromSchema<typeof trackingParams> }>(
    '/applications/:trackingNumber/timeline',
    { schema: { summary: "The application's timeline: every step, actor and deadline event", tags: ['applications'], params: trackingParams } },
    async (request) => {
      const trackingNumber = canonicalTrackingNumber(request.params.trackingNumber);
      const rows = await ctx.orm.em.fork().find(TimelineEntry, { trackingNumber }, { orderBy: { seq: 'asc' } });
      if (!rows.length && !(await readApplication(ctx.orm, trackingNumber))) {
        throw new DomainError('application_not_found', `No application has tracking number ${trackingNumber}.`);
      }
      return {
        trackingNumber,
        entries: rows.map((r) => ({
          seq: r.seq,
          at: r.at.toISOString(),
          kind: r.kind,
          actor: r.actor ?? null,
          stepId: r.stepId ?? null,
          taskId: r.taskId ?? null,
          detail: r.detail,
        })),
      };
    },
  );
}
