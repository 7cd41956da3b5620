import type { FastifyInstance } from 'fastify';
import type { FromSchema } from 'json-schema-to-ts';
import { Task } from '../../db/entities.js';
import { claimTask, completeTask, reassignTask, releaseTask, requestComplement } from '../../workflows/messages.js';
import type { ApiContext } from '../context.js';
import { actor, documentIds, freeText } from '../schemas.js';
import { taskViewFromRecord } from '../views.js';
import { sendAction, taskRetry } from '../workflow-actions.js';
import { canonicalTrackingNumber } from './applications.js';

const inboxQuery = {
  type: 'object',
  required: ['officeId'],
  additionalProperties: false,
  properties: {
    officeId: { type: 'string', minLength: 1, maxLength: 64 },
    status: { type: 'string', enum: ['open', 'claimed', 'completed', 'cancelled'] },
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
  },
} as const;

const taskParams = {
  type: 'object',
  required: ['taskId'],
  properties: { taskId: { type: 'string', minLength: 1, maxLength: 128 } },
} as const;

const claimBody = {
  type: 'object',
  required: ['actor'],
  additionalProperties: false,
  properties: { actor },
} as const;

const completeBody = {
  type: 'object',
  required: ['outcome', 'actor'],
  additionalProperties: false,
  properties: {
    outcome: { type: 'string', minLength: 1, maxLength: 64 },
    actor,
    data: { type: 'object' },
  },
} as const;

/** Task ids start with the tracking number, which is the workflow id. */
function trackingNumberOfTask(taskId: string): string {
  return canonicalTrackingNumber(taskId.split('.')[0] ?? '', 'params:/taskId');
}

export function taskRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Querystring: FromSchema<typeof inboxQuery> }>(
    '/tasks',
    { schema: { summary: "An office's task inbox", tags: ['tasks'], querystring: inboxQuery } },
    async (request) => {
      const { officeId, status, limit } = request.query;
      const rows = await ctx.orm.em
        .fork()
        .find(
          Task,
          { officeId, status: status ?? { $in: ['open', 'claimed'] } },
          { orderBy: { dueAt: 'asc', createdAt: 'asc', id: 'asc' }, limit: limit ?? 50 },
        );
      return { tasks: rows.map((row) => ({ ...taskViewFromRecord(row), trackingNumber: row.trackingNumber })) };
    },
  );

  app.post<{ Params: FromSchema<typeof taskParams>; Body: FromSchema<typeof claimBody> }>(
    '/tasks/:taskId/claim',
    { schema: { summary: 'Claim a task', tags: ['tasks'], params: taskParams, body: claimBody } },
    async (request) => {
      const req = { taskId: request.params.taskId, actor: request.body.actor };
      return sendAction(ctx, trackingNumberOfTask(req.taskId), claimTask, 'claim', req, taskRetry(ctx, req.taskId, (t) => t.assignee === req.actor));
    },
  );

  app.post<{ Params: FromSchema<typeof taskParams>; Body: FromSchema<typeof completeBody> }>(
    '/tasks/:taskId/complete',
    { schema: { summary: 'Complete a task with one of its outcomes', tags: ['tasks'], params: taskParams, body: completeBody } },
    async (request) => {
      const { outcome, actor, data } = request.body;
      const req = { taskId: request.params.taskId, outcome, actor, ...(data ? { data: data as Record<string, unknown> } : {}) };
      return sendAction(
        ctx,
        trackingNumberOfTask(req.taskId),
        completeTask,
        'complete',
        req,
        taskRetry(ctx, req.taskId, (t) => t.status === 'completed' && t.outcome === outcome && t.completedBy === actor),
      );
    },
  );
}

const reassignBody = {
  type: 'object',
  required: ['actor'],
  additionalProperties: false,
  properties: {
    actor,
    toRole: { type: 'string', minLength: 1, maxLength: 64 },
    toAgent: { type: 'string', minLength: 1, maxLength: 128 },
  },
} as const;

const complementBody = {
  type: 'object',
  required: ['actor', 'documents'],
  additionalProperties: false,
  properties: {
    actor,
    documents: documentIds,
    note: freeText,
  },
} as const;

export function moreTaskRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.post<{ Params: FromSchema<typeof taskParams>; Body: FromSchema<typeof claimBody> }>(
    '/tasks/:taskId/release',
    { schema: { summary: 'Release a claimed task back to the office', tags: ['tasks'], params: taskParams, body: claimBody } },
    async (request) => {
      const req = { taskId: request.params.taskId, actor: request.body.actor };
      return sendAction(ctx, trackingNumberOfTask(req.taskId), releaseTask, 'release', req);
    },
  );

  app.post<{ Params: FromSchema<typeof taskParams>; Body: FromSchema<typeof reassignBody> }>(
    '/tasks/:taskId/reassign',
    { schema: { summary: 'Reassign a task to an agent or a role', tags: ['tasks'], params: taskParams, body: reassignBody } },
    async (request) => {
      const req = { taskId: request.params.taskId, ...request.body };
      return sendAction(ctx, trackingNumberOfTask(req.taskId), reassignTask, 'reassign', req);
    },
  );

  app.post<{ Params: FromSchema<typeof taskParams>; Body: FromSchema<typeof complementBody> }>(
    '/tasks/:taskId/request-complement',
    { schema: { summary: 'Ask the citizen for missing documents of the guide', tags: ['tasks'], params: taskParams, body: complementBody } },
    async (request) => {
      const req = { taskId: request.params.taskId, ...request.body, documents: [...request.body.documents] };
      return sendAction(ctx, trackingNumberOfTask(req.taskId), requestComplement, 'complement', req);
    },
  );
}
