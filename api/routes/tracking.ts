import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../engine/errors.js';
import { isInternal } from '../../engine/internal-procedures.js';
import { findStep } from '../../engine/interpreter/steps.js';
import type { PinnedProcedure } from '../../engine/interpreter/state.js';
import { localizedText } from '../../registry/localized-text.js';
import { pinMatches } from '../auth.js';
import { PinAttempts } from '../pin-attempts.js';
import type { ApiContext } from '../context.js';
import { applicationSchema, clockSchema, instant, instantOrNull, issuedDocumentSummarySchema, legalDeadlineSchema } from '../answers.js';
import { answers, json, text, type ApiRoutes } from '../responses.js';
import { receiptHtml } from '../receipt.js';
import type { ApplicationView } from '../answers.js';
import { readApplication } from '../views.js';
import { canonicalTrackingNumber, receiptOf } from './applications.js';

export const trackBody = {
  type: 'object',
  required: ['trackingNumber', 'pin'],
  additionalProperties: false,
  properties: { trackingNumber: { type: 'string', maxLength: 32 }, pin: { type: 'string', pattern: '^[0-9]{6}$' } },
} as const;

/** What a kiosk shows: where the application stands, without personal data. */
const trackAnswer = {
  type: 'object',
  required: ['trackingNumber', 'procedure', 'status', 'outcome', 'document', 'grantedBySilence', 'forwardedTo', 'filedAt', 'closedAt', 'deadline', 'clocks', 'citizenWindow', 'issuedDocuments', 'steps'],
  additionalProperties: false,
  properties: {
    trackingNumber: { type: 'string' },
    procedure: applicationSchema.properties.procedure,
    status: { type: 'string' },
    outcome: applicationSchema.properties.outcome,
    document: applicationSchema.properties.document,
    grantedBySilence: { type: 'boolean' },
    forwardedTo: applicationSchema.properties.forwardedTo,
    filedAt: instant,
    closedAt: instantOrNull,
    deadline: {
      type: ['object', 'null'],
      required: ['dueAt', 'paused', 'explanation'],
      additionalProperties: false,
      properties: {
        dueAt: legalDeadlineSchema.properties.dueAt,
        paused: { type: 'boolean' },
        explanation: legalDeadlineSchema.properties.explanation,
        met: legalDeadlineSchema.properties.met,
      },
    },
    clocks: {
      type: 'array',
      description: "The procedure's named clocks that have started: what each is, where it stands and when it falls due.",
      items: {
        type: 'object',
        required: ['label', 'status', 'dueAt', 'dueDate', 'explanation'],
        additionalProperties: false,
        properties: {
          label: clockSchema.properties.label,
          status: clockSchema.properties.status,
          dueAt: clockSchema.properties.dueAt,
          dueDate: clockSchema.properties.dueDate,
          explanation: clockSchema.properties.explanation,
        },
      },
    },
    citizenWindow: {
      type: ['object', 'null'],
      description: 'The window open for the citizen to act (language 2): what they may do, in the three languages, and until when. They act from the application\'s page on the portal, signed in, not at the kiosk.',
      required: ['action', 'dueAt', 'dueDate'],
      additionalProperties: false,
      properties: {
        action: { ...localizedText, description: "What the citizen may do, as the procedure's definition names it." },
        dueAt: applicationSchema.properties.citizenTurn.properties.dueAt,
        dueDate: applicationSchema.properties.citizenTurn.properties.dueDate,
      },
    },
    issuedDocuments: { type: 'array', items: issuedDocumentSummarySchema },
    steps: {
      type: 'array',
      items: {
        type: 'object',
        required: ['stepId', 'status', 'createdAt', 'completedAt'],
        additionalProperties: false,
        properties: { stepId: { type: 'string' }, status: { type: 'string' }, createdAt: instant, completedAt: instantOrNull },
      },
    },
  },
} as const;

/** The open window in words and dates only: the form the citizen would fill in stays on the portal. */
function openWindow(view: ApplicationView, procedure: PinnedProcedure | undefined) {
  const turn = view.status === 'open' ? view.citizenTurn : undefined;
  const step = turn && procedure ? findStep(procedure.definition, turn.stepId) : undefined;
  if (!turn || step?.type !== 'citizenWindow') return null;
  return { action: step.action.label, dueAt: turn.dueAt, dueDate: turn.dueDate };
}

export type KioskUnlock = (
  rawTrackingNumber: string,
  pin: string,
  request: FastifyRequest,
  reply: FastifyReply,
) => Promise<{ view: ApplicationView; procedure: PinnedProcedure | undefined }>;

/**
 * A kiosk has no login: the tracking number and the receipt's PIN open a view without personal data.
 * Every kiosk route unlocks through this, so wrong PINs are counted together whatever route tries them.
 */
export function kioskUnlock(ctx: ApiContext): KioskUnlock {
  const attempts = new PinAttempts(ctx.redis, ctx.secret);
  return async function unlock(rawTrackingNumber, pin, request, reply) {
    const trackingNumber = canonicalTrackingNumber(rawTrackingNumber, '/trackingNumber');
    const waitMs = await attempts.take(trackingNumber, request.ip).catch(() => {
      // Without the counters a PIN could be guessed: refuse to check it rather than check it unguarded.
      throw new DomainError('service_unavailable', 'The kiosk cannot check PINs right now; try again shortly.');
    });
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      reply.header('retry-after', String(seconds));
      throw new DomainError('rate_limited', `Too many wrong PINs for this number from here; try again in ${seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`}.`);
    }
    const view = await readApplication(ctx.orm, trackingNumber);
    // An internal procedure has no citizen to follow it: its receipt gives no PIN, and none opens it here.
    const procedure = view && (await ctx.procedures.get(view.procedure.id, view.procedure.version));
    if (!view || !pinMatches(ctx.secret, trackingNumber, pin) || (procedure && isInternal(procedure.definition))) {
      throw new DomainError('application_not_found', 'No application matches this tracking number and PIN.');
    }
    await attempts.succeeded(trackingNumber, request.ip);
    return { view, procedure: procedure ?? undefined };
  };
}

export function trackingRoutes(app: ApiRoutes, ctx: ApiContext): void {
  const unlock = kioskUnlock(ctx);

  app.post(
    '/track',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Follow an application with its tracking number and the PIN of its receipt (kiosk)',
        tags: ['tracking'],
        operationId: 'trackApplication',
        body: trackBody,
        response: answers({ 200: json('Where the application stands.', trackAnswer) }),
      },
    },
    async (request, reply) => {
      const { view, procedure } = await unlock(request.body.trackingNumber, request.body.pin, request, reply);
      return {
        trackingNumber: view.trackingNumber,
        procedure: view.procedure,
        status: view.status,
        outcome: view.outcome,
        document: view.document,
        grantedBySilence: view.grantedBySilence,
        forwardedTo: view.forwardedTo,
        filedAt: view.filedAt,
        closedAt: view.closedAt,
        deadline: view.deadline
          ? { dueAt: view.deadline.dueAt, paused: view.deadline.paused, explanation: view.deadline.explanation, ...(view.deadline.met ? { met: view.deadline.met } : {}) }
          : null,
        clocks: view.clocks.map((c) => ({ label: c.label, status: c.status, dueAt: c.dueAt, dueDate: c.dueDate, explanation: c.explanation })),
        citizenWindow: openWindow(view, procedure),
        issuedDocuments: view.issuedDocuments,
        steps: view.tasks.map((t) => ({ stepId: t.stepId, status: t.status, createdAt: t.createdAt, completedAt: t.completedAt })),
      };
    },
  );

  app.post(
    '/track/receipt.html',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Print the receipt again at a kiosk',
        tags: ['tracking'],
        operationId: 'reprintReceipt',
        body: trackBody,
        response: answers({ 200: text('The receipt, to print.', ['text/html']) }),
      },
    },
    async (request, reply) => {
      const { view } = await unlock(request.body.trackingNumber, request.body.pin, request, reply);
      return reply.type('text/html; charset=utf-8').send(receiptHtml(await receiptOf(ctx, view)));
    },
  );
}
