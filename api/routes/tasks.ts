import type { FastifyRequest } from 'fastify';
import type { UserTaskStep } from '../../engine/definition.generated.js';
import { atRisk } from '../../audit/statistics.js';
import type { Calendar } from '../../engine/calendar.js';
import { DomainError } from '../../engine/errors.js';
import { parseTaskId } from '../../engine/ids.js';
import { checkTaskDataSize } from '../../engine/input-bounds.js';
import type { TaskRecord } from '../../db/entities.js';
import { inboxPage, type InboxFilter } from '../../db/inbox.js';
import { findTaskForAction, type TaskForAction } from '../../db/tasks.js';
import { claimTask, completeTask, reassignTask, releaseTask, requestComplement } from '../../workflows/messages.js';
import { principalOf, worksFor } from '../auth.js';
import type { Principal } from '../../identity/tokens.js';
import type { ApiContext } from '../context.js';
import { documentIds, freeText } from '../schemas.js';
import { applicationSchema, inboxTaskSchema, type InboxTaskView, type TimeLeftView } from '../answers.js';
import { answers, json, type ApiRoutes } from '../responses.js';
import { isCounting, taskViewFromRecord, type StoredClock } from '../views.js';
import { sendAction, taskRetry } from '../workflow-actions.js';
import { canonicalTrackingNumber } from './applications.js';
import { firstRefusedField } from '../edge.js';
import { toProblem } from '../problem.js';

const inboxQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    officeId: { type: 'string', minLength: 1, maxLength: 64 },
    role: { type: 'string', minLength: 1, maxLength: 64 },
    procedureId: { type: 'string', minLength: 1, maxLength: 64 },
    status: { type: 'string', enum: ['open', 'claimed', 'completed', 'cancelled'] },
    /** An agent id, or `me`. */
    assignee: { type: 'string', minLength: 1, maxLength: 128 },
    dueBefore: { type: 'string', format: 'date-time' },
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    cursor: { type: 'string', maxLength: 400 },
  },
} as const;

const taskParams = {
  type: 'object',
  required: ['taskId'],
  properties: { taskId: { type: 'string', minLength: 1, maxLength: 128 } },
} as const;

const completeBody = {
  type: 'object',
  required: ['outcome'],
  additionalProperties: false,
  properties: { outcome: { type: 'string', minLength: 1, maxLength: 64 }, data: { type: 'object' } },
} as const;

const reassignBody = {
  type: 'object',
  additionalProperties: false,
  properties: { toRole: { type: 'string', minLength: 1, maxLength: 64 }, toAgent: { type: 'string', minLength: 1, maxLength: 128 } },
} as const;

/** At most this many tasks in one bulk action: an agent's screenful, answered well within a request's time. */
const BULK_MAX_TASKS = 50;

const bulkBody = {
  type: 'object',
  required: ['action', 'taskIds'],
  additionalProperties: false,
  properties: {
    action: { type: 'string', enum: ['claim', 'reassign', 'complete'] },
    taskIds: { type: 'array', minItems: 1, maxItems: BULK_MAX_TASKS, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 128 } },
    /** For `complete`: the one outcome every task gets. */
    outcome: { type: 'string', minLength: 1, maxLength: 64 },
    /** For `reassign`. */
    toRole: { type: 'string', minLength: 1, maxLength: 64 },
    toAgent: { type: 'string', minLength: 1, maxLength: 128 },
  },
} as const;

interface BulkBody {
  action: 'claim' | 'reassign' | 'complete';
  taskIds: string[];
  outcome?: string;
  toRole?: string;
  toAgent?: string;
}

interface BulkItemResult {
  taskId: string;
  result: 'done' | 'refused';
  code?: string;
  reason?: string;
}

const bulkAnswer = {
  type: 'object',
  required: ['results'],
  additionalProperties: false,
  properties: {
    results: {
      type: 'array',
      items: {
        type: 'object',
        required: ['taskId', 'result'],
        additionalProperties: false,
        properties: {
          taskId: { type: 'string' },
          result: { type: 'string', enum: ['done', 'refused'] },
          code: { type: 'string', description: 'Why it was refused: the code the single route would answer (task_not_found for a task outside your offices).' },
          reason: { type: 'string' },
        },
      },
    },
  },
} as const;

const complementBody = {
  type: 'object',
  required: ['documents'],
  additionalProperties: false,
  properties: {
    // Empty when only fields of the form are asked for.
    documents: { ...documentIds, minItems: 0 },
    /** Fields of the citizen's form to enter again or clarify, among those the step names (language 2). */
    fields: { type: 'array', minItems: 1, maxItems: 50, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 64 } },
    note: freeText,
  },
} as const;

const inboxAnswer = {
  type: 'object',
  required: ['tasks', 'nextCursor'],
  additionalProperties: false,
  properties: {
    tasks: { type: 'array', items: inboxTaskSchema },
    nextCursor: { type: ['string', 'null'], description: 'Gives the next page as ?cursor=; null on the last page.' },
  },
} as const;

/** Every action on a task answers with the application as it then stands. */
const actionAnswers = answers({ 200: json('The application once the action is done.', applicationSchema) });

/** Task ids start with the tracking number, which is the workflow id. */
function trackingNumberOfTask(taskId: string): string {
  return canonicalTrackingNumber(parseTaskId(taskId)?.trackingNumber ?? '', 'params:/taskId');
}

/** The inbox is sorted by legal due date then id; the cursor is the last row's place in that order. */
function encodeCursor(row: Pick<TaskRecord, 'dueAt' | 'id'>): string {
  return Buffer.from(JSON.stringify([row.dueAt?.toISOString() ?? null, row.id])).toString('base64url');
}

function decodeCursor(cursor: string): [string | null, string] {
  try {
    const [due, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    // A date PostgreSQL cannot compare with would fail the query: only a real instant is a place in the order.
    const dueIsInstant = due === null || (typeof due === 'string' && !Number.isNaN(Date.parse(due)) && /^\d{4}-/.test(due));
    // The cursor is JSON inside base64, so the edge's check for text PostgreSQL cannot store never saw it.
    if (dueIsInstant && typeof id === 'string' && !firstRefusedField(id)) return [due, id];
  } catch {
    // Reported below.
  }
  throw new DomainError('invalid_input', 'The cursor is not one this API gave out.', [{ pointer: 'querystring:/cursor', message: 'is not valid' }]);
}

/** How long is left, as an agent reads it in the inbox (at risk: the dashboard's rule, in working days). */
function timeLeft(due: Date, now: Date, calendar: Calendar): TimeLeftView {
  const ms = due.getTime() - now.getTime();
  return { dueAt: due.toISOString(), msLeft: ms, overdue: ms < 0, atRisk: atRisk(due, now, calendar), daysLeft: Math.floor(ms / 86_400_000) };
}

/** The named clock of the application that falls due first, among those still counting: what the inbox shows of them. */
function nearestClock(stored: unknown, now: Date, calendar: Calendar): InboxTaskView['clock'] {
  const counting = ((stored as StoredClock[] | null) ?? []).filter((c) => isCounting(c) && c.dueAt);
  const nearest = counting.sort((a, b) => Date.parse(a.dueAt!) - Date.parse(b.dueAt!))[0];
  return nearest ? { id: nearest.id, label: nearest.label, status: nearest.status, ...timeLeft(new Date(nearest.dueAt!), now, calendar) } : null;
}

export function taskRoutes(app: ApiRoutes, ctx: ApiContext): void {
  app.get(
    '/tasks',
    {
      config: { access: ['agent', 'supervisor', 'admin'] },
      schema: {
        summary: "The office's task inbox, by legal due date, with the time left",
        tags: ['tasks'],
        operationId: 'listTasks',
        querystring: inboxQuery,
        response: answers({ 200: json('A page of tasks, the soonest due first.', inboxAnswer) }),
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const q = request.query;
      if (q.officeId && !worksFor(principal, q.officeId)) {
        throw new DomainError('forbidden', `You do not work for office ${q.officeId}.`, [{ pointer: 'querystring:/officeId', message: 'is not one of your offices' }]);
      }
      const limit = q.limit ?? 50;
      const after = q.cursor ? decodeCursor(q.cursor) : undefined;
      const filter: InboxFilter = {
        offices: q.officeId ? [q.officeId] : principal.role === 'admin' ? 'all' : principal.offices,
        ...(q.status ? { status: q.status } : {}),
        ...(q.role ? { role: q.role } : {}),
        ...(q.procedureId ? { procedureId: q.procedureId } : {}),
        ...(q.assignee ? { assignee: q.assignee === 'me' ? principal.sub : q.assignee } : {}),
        ...(q.dueBefore ? { dueBefore: new Date(q.dueBefore) } : {}),
        ...(after ? { after: { dueAt: after[0] === null ? null : new Date(after[0]), id: after[1] } } : {}),
        // One row more than the page tells whether there is a next page.
        limit: limit + 1,
      };
      // The calendar (for the at-risk flags) is read meanwhile, on another connection.
      const [rows, calendar] = await Promise.all([inboxPage(ctx.orm, filter), ctx.calendars.current()]);
      const page = rows.slice(0, limit);
      const now = new Date();
      return {
        tasks: page.map(({ task: record, paused, clocks }): InboxTaskView => ({
          ...taskViewFromRecord(record),
          trackingNumber: record.trackingNumber,
          procedureId: record.procedureId,
          legalDeadline: record.dueAt ? { ...timeLeft(record.dueAt, now, calendar), paused } : null,
          serviceLevel: record.serviceLevelDueAt ? timeLeft(record.serviceLevelDueAt, now, calendar) : null,
          clock: nearestClock(clocks, now, calendar),
        })),
        nextCursor: rows.length > limit && page.length ? encodeCursor(page[page.length - 1]!.task) : null,
      };
    },
  );

  /**
   * The task, if it belongs to one of the caller's offices, with the procedure version its application
   * runs; anyone else is told it does not exist.
   */
  async function officeTask(principal: Principal, taskId: string): Promise<TaskForAction> {
    const task = await findTaskForAction(ctx.orm, taskId);
    if (!task || !worksFor(principal, task.officeId)) throw new DomainError('task_not_found', `No task ${taskId} in your offices.`);
    return task;
  }

  async function taskAction(request: FastifyRequest & { params: { taskId: string } }) {
    const principal = principalOf(request);
    return actionOn(principal, request.params.taskId);
  }

  async function actionOn(principal: Principal, taskId: string) {
    const task = await officeTask(principal, taskId);
    return { principal, task, trackingNumber: trackingNumberOfTask(task.id) };
  }

  /** Claims the task for the caller; the single and the bulk route send the same request, so one retry answers both. */
  function claim({ principal, task, trackingNumber }: Awaited<ReturnType<typeof actionOn>>) {
    const req = { taskId: task.id, actor: principal.sub };
    return sendAction(ctx, trackingNumber, claimTask, 'claim', req, taskRetry(ctx, task.id, (t) => t.assignee === principal.sub));
  }

  function complete({ principal, task, trackingNumber }: Awaited<ReturnType<typeof actionOn>>, outcome: string, data: Record<string, unknown> | undefined) {
    const req = { taskId: task.id, outcome, actor: principal.sub, ...(data ? { data } : {}) };
    return sendAction(
      ctx,
      trackingNumber,
      completeTask,
      'complete',
      req,
      taskRetry(ctx, task.id, (t) => t.status === 'completed' && t.outcome === outcome && t.completedBy === principal.sub),
    );
  }

  function reassign({ principal, task, trackingNumber }: Awaited<ReturnType<typeof actionOn>>, to: { toRole?: string; toAgent?: string }) {
    return sendAction(ctx, trackingNumber, reassignTask, 'reassign', { taskId: task.id, ...to, actor: principal.sub });
  }

  app.post(
    '/tasks/:taskId/claim',
    { config: { access: ['agent', 'supervisor'] }, schema: { summary: 'Claim a task', tags: ['tasks'], operationId: 'claimTask', params: taskParams, response: actionAnswers } },
    async (request) => claim(await taskAction(request)),
  );

  app.post(
    '/tasks/:taskId/release',
    {
      config: { access: ['agent', 'supervisor'] },
      schema: { summary: 'Release a claimed task back to the office', tags: ['tasks'], operationId: 'releaseTask', params: taskParams, response: actionAnswers },
    },
    async (request) => {
      const { principal, task, trackingNumber } = await taskAction(request);
      return sendAction(ctx, trackingNumber, releaseTask, 'release', { taskId: task.id, actor: principal.sub });
    },
  );

  app.post(
    '/tasks/:taskId/complete',
    {
      config: { access: ['agent', 'supervisor'] },
      schema: {
        summary: "Complete a task with one of its outcomes and its form's data",
        tags: ['tasks'],
        operationId: 'completeTask',
        params: taskParams,
        body: completeBody,
        response: actionAnswers,
      },
    },
    async (request) => {
      const action = await taskAction(request);
      const { task } = action;
      const { outcome, data } = request.body;
      const pinned = await ctx.procedures.get(task.procedureId, task.procedureVersion);
      if (pinned) checkTaskDataSize(pinned.definition, data);
      const step = pinned?.definition.steps[task.stepId] as UserTaskStep | undefined;
      if (step?.form) {
        const errors = ctx.procedures.validateSchema(step.form, data ?? {}, '/data', `${pinned!.id}@${pinned!.version}#${task.stepId}`);
        if (errors.length) throw new DomainError('invalid_task_data', errors.map((e) => `${e.pointer} ${e.message}`).join('; '), errors);
      }
      return complete(action, outcome, data as Record<string, unknown> | undefined);
    },
  );

  app.post(
    '/tasks/:taskId/reassign',
    {
      config: { access: ['supervisor'] },
      schema: {
        summary: 'Reassign a task to an agent or a role (supervisors)',
        tags: ['tasks'],
        operationId: 'reassignTask',
        params: taskParams,
        body: reassignBody,
        response: actionAnswers,
      },
    },
    async (request) => reassign(await taskAction(request), request.body),
  );

  app.post(
    '/tasks/:taskId/request-complement',
    {
      config: { access: ['agent', 'supervisor'] },
      schema: {
        summary: "Ask the citizen for missing documents of the procedure's guide, or to enter fields of the form again",
        tags: ['tasks'],
        operationId: 'requestComplement',
        params: taskParams,
        body: complementBody,
        response: actionAnswers,
      },
    },
    async (request) => {
      const { principal, task, trackingNumber } = await taskAction(request);
      const { fields, note } = request.body;
      const req = { taskId: task.id, documents: [...request.body.documents], ...(fields ? { fields: [...fields] } : {}), actor: principal.sub, ...(note ? { note } : {}) };
      return sendAction(ctx, trackingNumber, requestComplement, 'complement', req);
    },
  );

  /**
   * One item of a bulk action, done or refused on its own: a refusal (another office's task, one already
   * done, a step that does not allow bulk completion) is reported with its code and never stops the others.
   * Each item sends exactly the request its single route sends, so retrying the bulk is answered item by item
   * as before and never applies an item twice.
   */
  async function bulkItem(principal: Principal, taskId: string, body: BulkBody): Promise<BulkItemResult> {
    try {
      const action = await actionOn(principal, taskId);
      if (body.action === 'claim') await claim(action);
      else if (body.action === 'reassign') await reassign(action, { ...(body.toRole ? { toRole: body.toRole } : {}), ...(body.toAgent ? { toAgent: body.toAgent } : {}) });
      else {
        const pinned = await ctx.procedures.get(action.task.procedureId, action.task.procedureVersion);
        const step = pinned?.definition.steps[action.task.stepId] as UserTaskStep | undefined;
        if (step?.bulkComplete !== true) throw new DomainError('bulk_not_allowed', `Step ${action.task.stepId} of ${action.task.procedureId} is completed one task at a time.`);
        await complete(action, body.outcome!, undefined);
      }
      return { taskId, result: 'done' };
    } catch (err) {
      // A refusal of the item itself (4xx, from the route or the workflow's validator); Temporal or the
      // database not answering fails the whole request instead, and retrying it is safe.
      const refusal = toProblem(err);
      if (refusal && refusal.status < 500) return { taskId, result: 'refused', code: refusal.code, reason: refusal.detail };
      throw err;
    }
  }

  app.post(
    '/tasks/bulk',
    {
      config: { access: ['agent', 'supervisor'] },
      schema: {
        summary: 'Claim, reassign (supervisors) or complete with one outcome several tasks; each task is done or refused on its own',
        tags: ['tasks'],
        operationId: 'bulkTaskAction',
        body: bulkBody,
        response: answers({ 200: json("Each task's result, in the order asked.", bulkAnswer) }),
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const body = request.body as BulkBody;
      if (body.action === 'reassign' && principal.role !== 'supervisor') throw new DomainError('forbidden', 'Only a supervisor reassigns tasks.', [{ pointer: '/action', message: 'is for supervisors' }]);
      if (body.action === 'complete' && !body.outcome) throw new DomainError('invalid_input', 'A bulk completion names its outcome.', [{ pointer: '/outcome', message: 'is required' }]);
      if (body.action === 'reassign' && !body.toRole && !body.toAgent) throw new DomainError('invalid_input', 'A reassignment names a role or an agent.', [{ pointer: '/toAgent', message: 'is required' }]);
      const results: BulkItemResult[] = [];
      // One after the other: the items may share an application, whose updates are serialised anyway.
      for (const taskId of body.taskIds) results.push(await bulkItem(principal, taskId, body));
      return { results };
    },
  );
}
