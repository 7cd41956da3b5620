import type { FastifyInstance } from 'fastify';
import type { FromSchema } from 'json-schema-to-ts';
import { DomainError } from '../../engine/errors.js';
import { pinMatches } from '../auth.js';
import type { ApiContext } from '../context.js';
import { receiptHtml } from '../receipt.js';
import { readApplication } from '../views.js';
import { canonicalTrackingNumber, receiptOf } from './applications.js';

const trackBody = {
  type: 'object',
  required: ['trackingNumber', 'pin'],
  additionalProperties: false,
  properties: { trackingNumber: { type: 'string', maxLength: 32 }, pin: { type: 'string', pattern: '^[0-9]{6}$' } },
} as const;

/** Wrong PINs allowed per tracking number and per caller address, within the window. */
const ATTEMPTS = 5;
const WINDOW_SECONDS = 15 * 60;

export function trackingRoutes(app: FastifyInstance, ctx: ApiContext): void {
  /**
   * A kiosk has no login: the tracking number and the receipt's PIN open a view without personal data.
   * Wrong PINs are counted in Redis (shared by every API process) so a PIN cannot be guessed.
   */
  async function unlock(rawTrackingNumber: string, pin: string, ip: string) {
    const trackingNumber = canonicalTrackingNumber(rawTrackingNumber, '/trackingNumber');
    const counters = [`pin-failures:tn:${trackingNumber}`, `pin-failures:ip:${ip}`];
    const failures = await Promise.all(counters.map((k) => ctx.redis.get(k)));
    if (failures.some((f) => Number(f ?? 0) >= ATTEMPTS)) {
      throw new DomainError('rate_limited', `Too many wrong PINs; try again in ${WINDOW_SECONDS / 60} minutes.`);
    }
    const view = await readApplication(ctx.orm, trackingNumber);
    if (!view || !pinMatches(ctx.secret, trackingNumber, pin)) {
      await Promise.all(counters.map(async (k) => {
        await ctx.redis.incr(k);
        await ctx.redis.expire(k, WINDOW_SECONDS);
      }));
      throw new DomainError('application_not_found', 'No application matches this tracking number and PIN.');
    }
    return view;
  }

  app.post<{ Body: FromSchema<typeof trackBody> }>(
    '/track',
    {
      config: { access: 'public' },
      schema: { summary: 'Follow an application with its tracking number and the PIN of its receipt (kiosk)', tags: ['tracking'], body: trackBody },
    },
    async (request) => {
      const view = await unlock(request.body.trackingNumber, request.body.pin, request.ip);
      return {
        trackingNumber: view.trackingNumber,
        procedure: view.procedure,
        status: view.status,
        outcome: view.outcome,
        document: view.document,
        grantedBySilence: view.grantedBySilence,
        filedAt: view.filedAt,
        closedAt: view.closedAt,
        deadline: view.deadline ? { dueAt: view.deadline.dueAt, paused: view.deadline.paused, explanation: view.deadline.explanation } : null,
        steps: view.tasks.map((t) => ({ stepId: t.stepId, status: t.status, createdAt: t.createdAt, completedAt: t.completedAt })),
      };
    },
  );

  app.post<{ Body: FromSchema<typeof trackBody> }>(
    '/track/receipt.html',
    {
      config: { access: 'public' },
      schema: { summary: 'Print the receipt again at a kiosk', tags: ['tracking'], body: trackBody },
    },
    async (request, reply) => {
      const view = await unlock(request.body.trackingNumber, request.body.pin, request.ip);
      return reply.type('text/html; charset=utf-8').send(receiptHtml(await receiptOf(ctx, view)));
    },
  );
}
