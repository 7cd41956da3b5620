import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { FromSchema } from 'json-schema-to-ts';
import { WorkflowNotFoundError } from '@temporalio/client';
import { canonicalJson } from '../../engine/canonical-json.js';
import { DomainError } from '../../engine/errors.js';
import type { UpdateDefinition } from '@temporalio/client';
import type { ApplicationState } from '../../engine/application.js';
import { Task, type TaskRecord } from '../../db/entities.js';
import { claimTask, completeTask } from '../../workflows/messages.js';
import type { ApiContext } from '../context.js';
import { applicationView, readApplication, taskViewFromRecord } from '../views.js';
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
  properties: { actor: { type: 'string', minLength: 1, maxLength: 128 } },
} as const;

const completeBody = {
  type: 'object',
  required: ['outcome', 'actor'],
  additionalProperties: false,
  properties: {
    outcome: { type: 'string', minLength: 1, maxLength: 64 },
    actor: { type: 'string', minLength: 1, maxLength: 128 },
    data: { type: 'object' },
  },
} as const;

/** Task ids start with the tracking number, which is the workflow id. */
function trackingNumberOfTask(taskId: string): string {
  return canonicalTrackingNumber(taskId.split('.')[0] ?? '', 'params:/taskId');
}

/**
 * An update id is a business key: the same request retried is answered once; a different request on the
 * same task gets its own id and meets the validator.
 */
export function actionUpdateId(action: string, taskId: string, request: unknown): string {
  const digest = createHash('sha256').update(canonicalJson(request)).digest('hex').slice(0, 16);
  return `${action}:${taskId}:${digest}`;
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
          { orderBy: { createdAt: 'asc', id: 'asc' }, limit: limit ?? 50 },
        );
      return { tasks: rows.map((row) => ({ ...taskViewFromRecord(row), trackingNumber: row.trackingNumber })) };
    },
  );

  /**
   * Sends an agent's action to the application's workflow. A closed workflow no longer takes updates:
   * the projection then tells why, and when it shows that this very request was the one that closed the
   * task, a retry gets the same answer as the first call.
   */
  async function act<R extends { taskId: string }>(
    update: UpdateDefinition<ApplicationState, [R]>,
    action: string,
    request: R,
    wasThisRequest: (task: TaskRecord) => boolean,
  ) {
    const handle = ctx.temporal.workflow.getHandle(trackingNumberOfTask(request.taskId));
    try {
      return applicationView(
        await handle.executeUpdate(update, { args: [request], updateId: actionUpdateId(action, request.taskId, request) }),
      );
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      const task = await ctx.orm.em.fork().findOne(Task, { id: request.taskId });
      if (!task) throw new DomainError('task_not_found', `No task ${request.taskId}.`);
      const view = wasThisRequest(task) ? await readApplication(ctx.orm, task.trackingNumber) : undefined;
      if (view) return view;
      throw new DomainError('task_not_open', `Task ${request.taskId} is already ${task.status}; its application is closed.`);
    }
  }

  app.post<{ Params: FromSchema<typeof taskParams>; Body: FromSchema<typeof claimBody> }>(
    '/tasks/:taskId/claim',
    { schema: { summary: 'Claim a task', tags: ['tasks'], params: taskParams, body: claimBody } },
    async (request) => {
      const req = { taskId: request.params.taskId, actor: request.body.actor };
      return act(claimTask, 'claim', req, (t) => t.assignee === req.actor);
    },
  );

  app.post<{ Params: FromSchema<typeof taskParams>; Body: FromSchema<typeof completeBody> }>(
    '/tasks/:taskId/complete',
    { schema: { summary: 'Complete a task with one of its outcomes', tags: ['tasks'], params: taskParams, body: completeBody } },
    async (request) => {
      const { outcome, actor, data } = request.body;
      const req = { taskId: request.params.taskId, outcome, actor, ...(data ? { data: data as Record<string, unknown> } : {}) };
      return act(completeTask, 'complete', req, (t) => t.status === 'completed' && t.outcome === outcome && t.completedBy === actor);
    },
  );
}
