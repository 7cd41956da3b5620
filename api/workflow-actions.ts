import { createHmac } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type UpdateDefinition } from '@temporalio/client';
import type { ApplicationState } from '../engine/interpreter/state.js';
import { canonicalJson } from '../engine/canonical-json.js';
import { DomainError } from '../engine/errors.js';
import { updateId } from '../engine/ids.js';
import type { TaskRecord } from '../db/entities.js';
import { findTask } from '../db/tasks.js';
import type { ApiContext } from './context.js';
import type { ApplicationView } from './answers.js';
import { applicationView, readApplication } from './views.js';

/**
 * An update id is a business key: the same request retried is answered once; a different request on the
 * same subject gets its own id and meets the validator. Update ids are stored in clear in Temporal (the
 * codec does not reach them), so the request is digested with the server's secret: a plain hash of a
 * withdrawal reason or a task's form could be matched against guesses (a CIN has few possible values).
 */
function actionUpdateId(secret: string, action: string, subject: string, request: unknown): string {
  const digest = createHmac('sha256', secret).update(`update-id:${canonicalJson(request)}`).digest('hex').slice(0, 16);
  return updateId(action, subject, digest);
}

/** What to answer when the workflow has closed: the earlier answer, if this very request closed it. */
export type AfterClose = (err: WorkflowNotFoundError) => Promise<ApplicationView>;

/** Sends a human action to an application's workflow as an Update and answers with the new state. */
export async function sendAction<R extends object>(
  ctx: ApiContext,
  trackingNumber: string,
  update: UpdateDefinition<ApplicationState, [R]>,
  action: string,
  request: R,
  afterClose?: AfterClose,
): Promise<ApplicationView> {
  const subject = 'taskId' in request ? String(request.taskId) : trackingNumber;
  try {
    const state = await ctx.temporal.workflow
      .getHandle(trackingNumber)
      .executeUpdate(update, { args: [request], updateId: actionUpdateId(ctx.secret, action, subject, request) });
    return applicationView(state);
  } catch (caught) {
    const err = await closedUnderTheUpdate(ctx, trackingNumber, caught);
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    if (afterClose) return afterClose(err);
    const view = await readApplication(ctx.orm, trackingNumber);
    if (!view) throw new DomainError('application_not_found', `No application has tracking number ${trackingNumber}.`);
    throw new DomainError('application_closed', `Application ${trackingNumber} is already ${view.outcome ?? view.status}.`);
  }
}

/**
 * An update the workflow had accepted fails when the run closes before answering it (an administrator
 * terminated it): told apart from a refusal by the run's status, and answered as any update sent to a
 * closed application.
 */
async function closedUnderTheUpdate(ctx: ApiContext, trackingNumber: string, err: unknown): Promise<unknown> {
  if (!(err instanceof WorkflowUpdateFailedError)) return err;
  const { status } = await ctx.temporal.workflow.getHandle(trackingNumber).describe();
  return status.name === 'RUNNING' ? err : new WorkflowNotFoundError(`Application ${trackingNumber} closed (${status.name}) before answering.`, trackingNumber, undefined);
}

/**
 * A closed workflow no longer takes updates. The projection tells why; when it shows that this very
 * request was the one that closed the task, a retry gets the same answer as the first call.
 */
export function taskRetry(ctx: ApiContext, taskId: string, wasThisRequest: (task: TaskRecord) => boolean): AfterClose {
  return async () => {
    const task = await findTask(ctx.orm, taskId);
    if (!task) throw new DomainError('task_not_found', `No task ${taskId}.`);
    const view = wasThisRequest(task) ? await readApplication(ctx.orm, task.trackingNumber) : undefined;
    if (view) return view;
    throw new DomainError('task_not_open', `Task ${taskId} is already ${task.status}; its application is closed.`);
  };
}
