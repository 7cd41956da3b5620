/**
 * The interpreter: a pure state machine over one application. Given the pinned definition, the current
 * state and one event, it returns the new state and the commands the workflow shell must carry out.
 * It never reads a clock: every instant comes in the event.
 */
import type { EndStep, ProcedureDefinition, Step, UserTaskStep } from './definition.generated.js';
import { DomainError } from './errors.js';

export type Outcome = EndStep['outcome'];

export interface PinnedProcedure {
  id: string;
  version: number;
  /** sha256 of the canonical definition: proves which text the application ran on. */
  hash: string;
  definition: ProcedureDefinition;
}

export interface ApplicationInput {
  trackingNumber: string;
  procedure: PinnedProcedure;
  officeId: string;
  data: Record<string, unknown>;
  /** Who filed it: the citizen, or the agent filing at a counter on a citizen's behalf. */
  filedBy: string;
  filedAt: string;
}

export type TaskStatus = 'open' | 'claimed' | 'completed' | 'cancelled';

export interface TaskState {
  id: string;
  stepId: string;
  role: string;
  officeId: string;
  status: TaskStatus;
  assignee?: string;
  outcome?: string;
  data?: Record<string, unknown>;
  createdAt: string;
  completedAt?: string;
  completedBy?: string;
}

export interface ApplicationState {
  trackingNumber: string;
  procedureId: string;
  procedureVersion: number;
  officeId: string;
  status: 'open' | 'closed';
  outcome?: Outcome;
  /** Document issued with the outcome, as the end step names it. */
  document?: string;
  data: Record<string, unknown>;
  filedBy: string;
  filedAt: string;
  closedAt?: string;
  tasks: Record<string, TaskState>;
  /** Counts every task ever created, so task ids never repeat when a step is visited again. */
  taskCount: number;
  /** Increases with every change: projections ignore a write older than what they hold. */
  revision: number;
}

export type ApplicationEvent =
  | { type: 'filed'; at: string }
  | { type: 'taskClaimed'; taskId: string; actor: string; at: string }
  | {
      type: 'taskCompleted';
      taskId: string;
      outcome: string;
      data?: Record<string, unknown>;
      actor: string;
      at: string;
    };

export type Command =
  | { type: 'createTask'; task: TaskState }
  | { type: 'updateTask'; task: TaskState }
  | { type: 'closeApplication'; outcome: Outcome; document?: string };

export interface Transition {
  state: ApplicationState;
  commands: Command[];
}

export function initialState(input: ApplicationInput): ApplicationState {
  return {
    trackingNumber: input.trackingNumber,
    procedureId: input.procedure.id,
    procedureVersion: input.procedure.version,
    officeId: input.officeId,
    status: 'open',
    data: input.data,
    filedBy: input.filedBy,
    filedAt: input.filedAt,
    tasks: {},
    taskCount: 0,
    revision: 0,
  };
}

function stepOf(definition: ProcedureDefinition, stepId: string): Step {
  const step = definition.steps[stepId];
  // Definitions are validated before publication; reaching this means the pinned text is corrupt.
  if (!step) throw new Error(`definition ${definition.id} v${definition.version} has no step "${stepId}"`);
  return step;
}

/** Builds up one transition: the state is copied once, then changed in place. */
class Interpretation {
  readonly commands: Command[] = [];

  constructor(
    readonly definition: ProcedureDefinition,
    readonly state: ApplicationState,
  ) {}

  enter(stepId: string, at: string): void {
    const step = stepOf(this.definition, stepId);
    switch (step.type) {
      case 'userTask':
        return this.createTask(stepId, step, at);
      case 'end':
        return this.close(step, at);
    }
  }

  private createTask(stepId: string, step: UserTaskStep, at: string): void {
    this.state.taskCount += 1;
    const task: TaskState = {
      id: `${this.state.trackingNumber}.${stepId}.${this.state.taskCount}`,
      stepId,
      role: step.role,
      officeId: this.state.officeId,
      status: 'open',
      createdAt: at,
    };
    this.state.tasks[task.id] = task;
    this.commands.push({ type: 'createTask', task: { ...task } });
  }

  private close(step: EndStep, at: string): void {
    this.state.status = 'closed';
    this.state.outcome = step.outcome;
    this.state.closedAt = at;
    if (step.document) this.state.document = step.document;
    for (const task of Object.values(this.state.tasks)) {
      if (task.status === 'open' || task.status === 'claimed') {
        task.status = 'cancelled';
        this.commands.push({ type: 'updateTask', task: { ...task } });
      }
    }
    this.commands.push({ type: 'closeApplication', outcome: step.outcome, document: step.document });
  }
}

/** The state is plain JSON data; a JSON round trip copies it the same way in the workflow sandbox. */
function copy(state: ApplicationState): ApplicationState {
  return JSON.parse(JSON.stringify(state)) as ApplicationState;
}

function openTask(state: ApplicationState, taskId: string): TaskState {
  if (state.status === 'closed') {
    throw new DomainError('application_closed', `Application ${state.trackingNumber} is already ${state.outcome}.`);
  }
  const task = state.tasks[taskId];
  if (!task) throw new DomainError('task_not_found', `Application ${state.trackingNumber} has no task ${taskId}.`);
  if (task.status === 'completed' || task.status === 'cancelled') {
    throw new DomainError('task_not_open', `Task ${taskId} is already ${task.status}.`);
  }
  return task;
}

/**
 * Checks an event against the state without changing anything: the workflow's update validators call
 * it, so an invalid human action is rejected before it enters the history.
 */
export function checkEvent(definition: ProcedureDefinition, state: ApplicationState, event: ApplicationEvent): void {
  switch (event.type) {
    case 'filed':
      return;
    case 'taskClaimed': {
      const task = openTask(state, event.taskId);
      if (task.status === 'claimed' && task.assignee !== event.actor) {
        throw new DomainError('task_not_open', `Task ${task.id} is already claimed by ${task.assignee}.`);
      }
      return;
    }
    case 'taskCompleted': {
      const task = openTask(state, event.taskId);
      const step = stepOf(definition, task.stepId) as UserTaskStep;
      if (!Object.prototype.hasOwnProperty.call(step.outcomes, event.outcome)) {
        throw new DomainError(
          'unknown_outcome',
          `Task ${task.id} has no outcome "${event.outcome}"; declared: ${Object.keys(step.outcomes).join(', ')}.`,
          [{ pointer: '/outcome', message: `must be one of ${Object.keys(step.outcomes).join(', ')}` }],
        );
      }
      if (task.status === 'claimed' && task.assignee !== event.actor) {
        throw new DomainError('task_not_open', `Task ${task.id} is claimed by ${task.assignee}.`);
      }
      return;
    }
  }
}

export function applyEvent(
  definition: ProcedureDefinition,
  current: ApplicationState,
  event: ApplicationEvent,
): Transition {
  checkEvent(definition, current, event);
  const run = new Interpretation(definition, copy(current));
  const state = run.state;
  switch (event.type) {
    case 'filed':
      run.enter(definition.start, event.at);
      break;
    case 'taskClaimed': {
      const task = state.tasks[event.taskId] as TaskState;
      task.status = 'claimed';
      task.assignee = event.actor;
      run.commands.push({ type: 'updateTask', task: { ...task } });
      break;
    }
    case 'taskCompleted': {
      const task = state.tasks[event.taskId] as TaskState;
      const step = stepOf(definition, task.stepId) as UserTaskStep;
      task.status = 'completed';
      task.outcome = event.outcome;
      task.completedAt = event.at;
      task.completedBy = event.actor;
      task.assignee = event.actor;
      if (event.data) task.data = event.data;
      run.commands.push({ type: 'updateTask', task: { ...task } });
      run.enter((step.outcomes[event.outcome] as { next: string }).next, event.at);
      break;
    }
  }
  state.revision = current.revision + 1;
  return { state, commands: run.commands };
}
