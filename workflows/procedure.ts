import * as wf from '@temporalio/workflow';
import {
  applyEvent,
  checkEvent,
  initialState,
  type ApplicationEvent,
  type ApplicationInput,
  type ApplicationState,
  type Command,
  type TaskState,
} from '../engine/application.js';
import { DomainError } from '../engine/errors.js';
import type { Activities } from '../activities/index.js';
import { applicationStatus, claimTask, completeTask, confirmFiling } from './messages.js';
import { searchAttributes } from './search-attributes.js';

const { recordProjection } = wf.proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // Projections must land eventually: retry for as long as PostgreSQL is away.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** A domain error becomes an ApplicationFailure: the update fails, the workflow carries on. */
function asFailure(err: unknown): unknown {
  if (err instanceof DomainError) {
    return wf.ApplicationFailure.create({
      type: err.code,
      message: err.message,
      details: err.details,
      nonRetryable: true,
    });
  }
  return err;
}

function guard(check: () => void): void {
  try {
    check();
  } catch (err) {
    throw asFailure(err);
  }
}

function nowIso(): string {
  // Workflow time: deterministic, recorded with the workflow task.
  return new Date(Date.now()).toISOString();
}

export async function procedureWorkflow(input: ApplicationInput): Promise<ApplicationState> {
  const definition = input.procedure.definition;
  let state = initialState(input);
  // Events are applied one at a time, in the order they were accepted, each with its projection written.
  let queue: Promise<unknown> = Promise.resolve();

  async function carryOut(commands: Command[], after: ApplicationState): Promise<void> {
    const tasks: TaskState[] = [];
    for (const command of commands) {
      if (command.type === 'createTask' || command.type === 'updateTask') tasks.push(command.task);
    }
    await recordProjection({ application: after, procedureHash: input.procedure.hash, tasks });
    if (commands.some((c) => c.type === 'closeApplication')) {
      wf.upsertSearchAttributes([{ key: searchAttributes.status, value: after.status }]);
    }
  }

  function apply(event: ApplicationEvent): Promise<ApplicationState> {
    const run = queue.then(async () => {
      let transition;
      try {
        transition = applyEvent(definition, state, event);
      } catch (err) {
        throw asFailure(err);
      }
      state = transition.state;
      await carryOut(transition.commands, transition.state);
      return transition.state;
    });
    queue = run.catch(() => undefined);
    return run;
  }

  wf.setHandler(applicationStatus, () => state);
  wf.setHandler(
    claimTask,
    (request) => apply({ type: 'taskClaimed', taskId: request.taskId, actor: request.actor, at: nowIso() }),
    {
      validator: (request) =>
        guard(() => checkEvent(definition, state, { type: 'taskClaimed', ...request, at: '' })),
    },
  );
  wf.setHandler(
    completeTask,
    (request) => apply({ type: 'taskCompleted', ...request, at: nowIso() }),
    {
      validator: (request) =>
        guard(() => checkEvent(definition, state, { type: 'taskCompleted', ...request, at: '' })),
    },
  );

  const filing = apply({ type: 'filed', at: input.filedAt });
  wf.setHandler(confirmFiling, () => filing);
  await filing;
  await wf.condition(() => state.status === 'closed' && wf.allHandlersFinished());
  return state;
}
