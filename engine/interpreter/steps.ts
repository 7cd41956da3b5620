/** The pinned definition as the interpreter walks it: a step by its id, and where a task's complement request leads. */
import type { ProcedureDefinition, Step, UserTaskStep } from '../definition.generated.js';
import type { TaskState } from './state.js';

export function stepOf(definition: ProcedureDefinition, stepId: string): Step {
  const step = definition.steps[stepId];
  // Definitions are validated before publication; reaching this means the pinned text is corrupt.
  if (!step) throw new Error(`definition ${definition.id} v${definition.version} has no step "${stepId}"`);
  return step;
}

/** A step named by a caller (a request's `stepId`): only the definition's own steps, never an inherited key. */
export function findStep(definition: ProcedureDefinition, stepId: string): Step | undefined {
  return Object.prototype.hasOwnProperty.call(definition.steps, stepId) ? definition.steps[stepId] : undefined;
}

export function userTaskStep(definition: ProcedureDefinition, task: TaskState): UserTaskStep {
  return stepOf(definition, task.stepId) as UserTaskStep;
}

/** The outcome of a task that leads to a complement request, if the task has one. */
export function complementOutcome(definition: ProcedureDefinition, step: UserTaskStep): [string, string] | undefined {
  for (const [outcome, transition] of Object.entries(step.outcomes)) {
    if (definition.steps[transition.next]?.type === 'requestComplement') return [outcome, transition.next];
  }
  return undefined;
}
