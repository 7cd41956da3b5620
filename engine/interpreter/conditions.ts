/** What a definition's conditions read, and the legal budget they choose. */
import type { Budget, ProcedureDefinition } from '../definition.generated.js';
import { isTrue, type Expression } from '../expression.js';
import type { ApplicationState } from './state.js';

/** The budget that applies at filing: the first variant whose condition holds, else the budget. */
export function legalBudget(definition: ProcedureDefinition, context: unknown): Budget {
  const variant = (definition.deadline.variants ?? []).find((v) => isTrue(v.when as Expression, context));
  return variant?.budget ?? definition.deadline.budget;
}

/** What conditions and input mappings may read. */
export function expressionContext(state: Pick<ApplicationState, 'data' | 'steps' | 'branches' | 'complement'>): Record<string, unknown> {
  return {
    data: state.data,
    steps: state.steps,
    branches: state.branches,
    complement: { requested: state.complement.count },
  };
}
