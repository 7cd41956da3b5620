/**
 * Notifications for administrators: the messages that could not be sent (retries exhausted, refused by
 * the provider, a recipient missing from the staff directory, a send interrupted half-way) and a retry
 * for each once the cause is fixed; and, for an application, every message and where it stands.
 */
import type { FromSchema } from 'json-schema-to-ts';
import type { MikroORM } from '@mikro-orm/postgresql';
import { NotificationQueues, QueueTimeoutError, type FailedNotification } from '../../notifications/queues.js';
import { NotificationStore } from '../../db/notifications.js';
import { isChannel } from '../../notifications/types.js';
import { visibleApplication } from './applications.js';
import { principalOf } from '../auth.js';
import { PROBLEM_TYPE_BASE, sendProblem } from '../problem.js';
import { DomainError } from '../../engine/errors.js';
import { instant, instantOrNull, listAnswer, textOrNull } from '../answers.js';
import { answers, json, type ApiRoutes } from '../responses.js';
import type { Fits } from '../same-type.js';

/** What the routes need: the queues (Redis) and the outbox (PostgreSQL). */
export interface NotificationRouteContext {
  orm: MikroORM;
  notifications: NotificationQueues;
}

const failedQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200 } },
} as const;

const jobParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 400 } },
} as const;

const applicationQuery = {
  type: 'object',
  required: ['trackingNumber'],
  additionalProperties: false,
  properties: { trackingNumber: { type: 'string', maxLength: 32 } },
} as const;

const failedProperties = {
  id: { type: 'string', description: 'What POST /notifications/failed/{id}/retry takes.' },
  stage: { type: 'string', description: 'dispatch (finding the recipients), or the channel of one message (sms, email).' },
  key: { type: 'string' },
  recipient: textOrNull,
  attemptsMade: { type: 'integer' },
  reason: { type: 'string' },
  failedAt: instantOrNull,
} as const;

const failedNotification = {
  type: 'object',
  required: ['id', 'stage', 'key', 'recipient', 'attemptsMade', 'reason', 'failedAt'],
  additionalProperties: false,
  properties: failedProperties,
} as const;

const _failedFits: Fits<FailedNotification, FromSchema<typeof failedNotification>> = true;
void _failedFits;

const failedAnswer = {
  type: 'object',
  required: ['failed'],
  additionalProperties: false,
  properties: { failed: { type: 'array', items: failedNotification } },
} as const;

const retriedAnswer = {
  type: 'object',
  required: ['retried'],
  additionalProperties: false,
  properties: {
    retried: {
      ...failedNotification,
      description: 'The message, queued again with all its attempts (its failure reason cleared).',
      properties: { ...failedProperties, reason: { type: 'null' } },
    },
  },
} as const;

const applicationNotificationsAnswer = listAnswer('trackingNumber', 'notifications', {
  type: 'object',
  required: ['key', 'template', 'recipients', 'status', 'createdAt', 'queuedAt', 'deliveries'],
  additionalProperties: false,
  properties: {
    key: { type: 'string' },
    template: { type: 'string' },
    recipients: { type: 'array', items: { type: 'string' } },
    status: { type: 'string' },
    createdAt: instant,
    queuedAt: instantOrNull,
    deliveries: {
      type: 'array',
      items: {
        type: 'object',
        required: ['channel', 'recipient', 'address', 'language', 'status', 'attempts', 'error', 'sentAt', 'text'],
        additionalProperties: false,
        properties: {
          channel: { type: 'string' },
          recipient: { type: 'string' },
          address: { ...textOrNull, description: 'The phone number or e-mail address it went to.' },
          language: { type: 'string' },
          status: { type: 'string' },
          attempts: { type: 'integer' },
          error: textOrNull,
          sentAt: instantOrNull,
          text: { type: 'string', description: 'The message as sent.' },
        },
      },
    },
  },
});

function redisAway(err: unknown): never {
  if (err instanceof QueueTimeoutError) throw new DomainError('service_unavailable', `The notification queues do not answer: ${err.message}`);
  throw err;
}

export function notificationRoutes(app: ApiRoutes, ctx: NotificationRouteContext): void {
  const store = new NotificationStore(ctx.orm);

  app.get(
    '/notifications/failed',
    {
      config: { access: ['admin'] },
      schema: {
        summary: 'Messages that could not be sent, most recent first',
        tags: ['notifications'],
        operationId: 'listFailedNotifications',
        querystring: failedQuery,
        response: answers({ 200: json('The failed messages.', failedAnswer) }),
      },
    },
    async (request) => {
      const failed = await ctx.notifications.failed(request.query.limit ?? 200).catch(redisAway);
      return { failed };
    },
  );

  app.post(
    '/notifications/failed/:id/retry',
    {
      config: { access: ['admin'] },
      schema: {
        summary: 'Try a failed message again, with all its attempts',
        tags: ['notifications'],
        operationId: 'retryNotification',
        params: jobParams,
        response: answers({ 202: json('Queued again.', retriedAnswer) }),
      },
    },
    async (request, reply) => {
      const failed = await ctx.notifications.failedJob(request.params.id).catch(redisAway);
      if (!failed) {
        return sendProblem(reply, request, {
          type: `${PROBLEM_TYPE_BASE}notification_not_found`,
          title: 'No failed notification has this id',
          status: 404,
          detail: `No failed notification job ${request.params.id}; GET /notifications/failed lists them.`,
          code: 'notification_not_found',
        });
      }
      // The outbox rows first: the job must find its delivery pending again, or it would take the
      // failure as final.
      await store.reopen(failed.key, isChannel(failed.stage) && failed.recipient ? { channel: failed.stage, recipient: failed.recipient } : undefined);
      await ctx.notifications.retry(failed.id).catch(redisAway);
      return reply.status(202).send({ retried: { ...failed, reason: null } });
    },
  );

  app.get(
    '/notifications',
    {
      config: { access: ['admin', 'auditor'] },
      schema: {
        summary: "An application's notifications: who was told what, over which channel, and when",
        tags: ['notifications'],
        operationId: 'listNotifications',
        querystring: applicationQuery,
        response: answers({ 200: json('Each notification and its deliveries.', applicationNotificationsAnswer) }),
      },
    },
    async (request) => {
      // Phone numbers and message texts: only for the application's office (an admin sees every office).
      const { trackingNumber } = await visibleApplication(ctx, principalOf(request), request.query.trackingNumber, 'querystring:/trackingNumber');
      const rows = await store.forApplication(trackingNumber);
      return {
        trackingNumber,
        notifications: rows.map((n) => ({
          key: n.key,
          template: n.template,
          recipients: n.recipients,
          status: n.status,
          createdAt: n.createdAt.toISOString(),
          queuedAt: n.queuedAt?.toISOString() ?? null,
          deliveries: n.deliveries.map((d) => ({
            channel: d.channel,
            recipient: d.recipient,
            address: d.address ?? null,
            language: d.language,
            status: d.status,
            attempts: d.attempts,
            error: d.error ?? null,
            sentAt: d.sentAt?.toISOString() ?? null,
            text: d.body,
          })),
        })),
      };
    },
  );
}
