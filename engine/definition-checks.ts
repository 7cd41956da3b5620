import type { ProcedureDefinition } from './definition.generated.js';

export interface DefinitionProblem {
  /** JSON pointer into the definition. */
  pointer: string;
  message: string;
}

/** Checks what a JSON Schema cannot: references between steps, and that every path can end. */
export function checkDefinition(definition: ProcedureDefinition): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const steps = definition.steps;
  const exists = (id: string) => Object.prototype.hasOwnProperty.call(steps, id);
  if (!exists(definition.start)) {
    problems.push({ pointer: '/start', message: `start step "${definition.start}" does not exist` });
  }
  const roles = new Set(definition.roles);
  for (const [stepId, step] of Object.entries(steps)) {
    if (step.type !== 'userTask') continue;
    if (!roles.has(step.role)) {
      problems.push({
        pointer: `/steps/${stepId}/role`,
        message: `role "${step.role}" is not declared in /roles`,
      });
    }
    for (const [outcome, transition] of Object.entries(step.outcomes)) {
      if (!exists(transition.next)) {
        problems.push({
          pointer: `/steps/${stepId}/outcomes/${outcome}/next`,
          message: `step "${transition.next}" does not exist`,
        });
      }
    }
  }
  return problems;
}
